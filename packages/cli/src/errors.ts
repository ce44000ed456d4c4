import { AbortError, UbomError } from '@ubom/core';

/** Bad input or usage the CLI itself detects (unreadable file, malformed JSON, bad flag value): exit 2. */
export class InputError extends UbomError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('VALIDATION', message, options);
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof AbortError) return EXIT.interrupted;
  if (error instanceof UbomError && (error.code === 'VALIDATION' || error.code === 'NOT_FOUND'))
    return EXIT.usage;
  return EXIT.failed;
}

/** One clear line (or block, for validation problems) — the stack and causes only with `--debug`. */
export function describeError(error: unknown, debug: boolean): string {
  if (!debug) {
    if (error instanceof UbomError) return error.message;
    const message = error instanceof Error ? error.message : String(error);
    return `[ubom] unexpected error: ${message} (run with --debug for details)`;
  }
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
    parts.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
