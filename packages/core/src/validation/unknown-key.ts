import { suggest } from './suggest';

/** `unknown key — did you mean "x"?`, or the known keys when none is close: one wording everywhere. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = suggest(key, known);
  if (hint) return `unknown key — did you mean "${hint}"?`;
  return known.length > 0 && known.length <= 12
    ? `unknown key (known keys: ${known.join(', ')})`
    : 'unknown key';
}
