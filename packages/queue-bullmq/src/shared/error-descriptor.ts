import {
  AbortError,
  ConflictError,
  type ErrorCode,
  NotFoundError,
  PluginError,
  TimeoutError,
  UbomError,
  UnavailableError,
  ValidationError,
  type ValidationIssue,
} from '@ubom/core';

/** A `UbomError` as JSON: what a worker records so the producer can rethrow the same kind of error. */
export interface ErrorDescriptor {
  code: ErrorCode;
  name: string;
  message: string;
  retryable: boolean;
  issues?: ValidationIssue[];
  pluginName?: string;
  operation?: string;
}

/** Describes any thrown value; a non-`UbomError` becomes `INTERNAL`. The message is kept as is. */
export function describeError(error: unknown): ErrorDescriptor {
  if (error instanceof UbomError) {
    const d: ErrorDescriptor = {
      code: error.code,
      name: error.name,
      message: error.message,
      retryable: error.retryable,
    };
    if (error instanceof ValidationError) d.issues = error.issues;
    if (error instanceof PluginError) {
      d.pluginName = error.pluginName;
      d.operation = error.operation;
    }
    return d;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', name: 'Error', message: `[ubom] ${message}`, retryable: false };
}

const isDescriptor = (value: unknown): value is ErrorDescriptor =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ErrorDescriptor).code === 'string' &&
  typeof (value as ErrorDescriptor).message === 'string';

/** Rebuilds the error class a descriptor names, with the exact message the worker saw. */
export function reviveError(value: unknown, fallbackMessage: string): UbomError {
  if (!isDescriptor(value)) return new UbomError('INTERNAL', fallbackMessage, { scope: 'queue' });
  const opts = { retryable: value.retryable };
  let error: UbomError;
  switch (value.code) {
    case 'VALIDATION':
      error = new ValidationError(value.issues ?? []);
      break;
    case 'NOT_FOUND':
      error = new NotFoundError('', opts);
      break;
    case 'UNAVAILABLE':
      error = new UnavailableError('', opts);
      break;
    case 'CONFLICT':
      error = new ConflictError('', opts);
      break;
    case 'ABORTED':
      error = new AbortError('', opts);
      break;
    case 'TIMEOUT':
      error = new TimeoutError('', 0, opts);
      break;
    case 'PLUGIN':
      error = new PluginError(value.pluginName ?? 'unknown', value.operation ?? 'execute', undefined, opts);
      break;
    default:
      error = new UbomError(value.code, '', opts);
  }
  error.message = value.message;
  return error;
}
