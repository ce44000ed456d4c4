import { confirm, isCancel, text } from '@clack/prompts';
import { CancelledError } from './errors';

/** The questions the scaffolder may ask; only the interactive mode has one. */
export interface Prompter {
  text(options: {
    message: string;
    placeholder?: string;
    /** Returned when the answer is left empty. */
    defaultValue?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  confirm(message: string, initial: boolean): Promise<boolean>;
}

const answer = <T>(value: T | symbol): T => {
  if (isCancel(value)) throw new CancelledError();
  return value as T;
};

/** Prompts in the terminal with @clack/prompts. Ctrl+C throws `CancelledError`. */
export const clackPrompter: Prompter = {
  async text({ message, placeholder, defaultValue, validate }) {
    const value = await text({
      message,
      ...(placeholder === undefined ? {} : { placeholder }),
      ...(defaultValue === undefined ? {} : { defaultValue }),
      ...(validate === undefined
        ? {}
        : {
            validate: (v: string | undefined) =>
              validate(v === '' || v === undefined ? (defaultValue ?? '') : v),
          }),
    });
    return answer<string>(value).trim();
  },
  async confirm(message, initialValue) {
    return answer<boolean>(await confirm({ message, initialValue }));
  },
};
