import type { UbomTemplateConfig } from './config';

/** The message as printed. Replace this with what your plugin really does. */
export function transformMessage(message: string, transform: UbomTemplateConfig['transform']): string {
  switch (transform) {
    case 'upper':
      return message.toUpperCase();
    case 'lower':
      return message.toLowerCase();
    case 'reverse':
      return [...message].reverse().join('');
    default:
      return message;
  }
}
