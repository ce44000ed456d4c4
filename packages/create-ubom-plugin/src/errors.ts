/** A problem with what the user asked for: printed as a one-line message, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user cancelled a prompt (Ctrl+C): exit code 130, like an interrupted shell command. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}
