export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'UNAVAILABLE'
  | 'PLUGIN'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'CONFLICT'
  | 'WORK_FAILED'
  | 'INTERNAL';

export interface UbomErrorOptions {
  cause?: unknown;
  retryable?: boolean | undefined;
  /** Short scope shown in the message, e.g. `docker` gives `[ubom] [docker] message`. */
  scope?: string | undefined;
}

const prefix = (scope: string | undefined): string => (scope ? `[ubom] [${scope}] ` : '[ubom] ');

/** Marks UBOM's error classes in every copy of @ubom/core loaded in one process. */
const ERROR_CLASS = Symbol.for('@ubom/core/error-class');
const nativeInstanceOf = Function.prototype[Symbol.hasInstance];

/** Base of every error UBOM throws: a stable `code`, `retryable`, and the original `cause`. */
export class UbomError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly scope: string | undefined;
  static readonly [ERROR_CLASS] = true;

  /**
   * `instanceof` also holds for an error of the same class from another copy of @ubom/core: a plugin
   * installed with its own copy (`npm i -g` gives each package its own tree) throws errors the CLI, the
   * queue and the registry must still recognise as a refusal, a timeout or a cancel.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class asked about (a subclass inherits this method), not UbomError
    // biome-ignore lint/complexity/noThisInStatic: the subclass instanceof was asked about
    if (nativeInstanceOf.call(this, value)) return true;
    if (typeof value !== 'object' || value === null) return false;
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const ctor = (proto as { constructor?: unknown }).constructor as
        | { [ERROR_CLASS]?: boolean; name?: string }
        | undefined;
      // biome-ignore lint/complexity/noThisInStatic: the subclass instanceof was asked about
      if (ctor?.[ERROR_CLASS] === true && ctor.name === this.name) return true;
    }
    return false;
  }

  constructor(code: ErrorCode, message: string, options: UbomErrorOptions = {}) {
    super(
      `${prefix(options.scope)}${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.scope = options.scope;
  }
}

export interface ValidationIssue {
  /** JSON path of the offending value, e.g. `executor_config.resources.memory_limit`. */
  path: string;
  /** A plain sentence, e.g. `must look like 512m, got "lots"`. */
  message: string;
}

export interface ValidationErrorOptions extends Omit<UbomErrorOptions, 'retryable'> {
  /** What is invalid, in the message's head: `work` (default), `configuration ubom.config.json`… */
  subject?: string;
}

/** The work is invalid. Lists every problem at once. Never retryable. */
export class ValidationError extends UbomError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[], options: ValidationErrorOptions = {}) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
    const what = options.subject ?? 'work';
    const head = `invalid ${what}: ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}`;
    super('VALIDATION', `${head}\n${lines.join('\n')}`, { ...options, retryable: false });
    this.issues = issues;
  }

  static single(path: string, message: string, options?: ValidationErrorOptions): ValidationError {
    // `new this`, not `new ValidationError`: a self-reference makes the bundler rename the class
    // (`_ValidationError`), and `name` comes from the class
    return new this([{ path, message }], options);
  }
}

/** Something the work names (executor, image, function, method) does not exist. */
export class NotFoundError extends UbomError {
  constructor(message: string, options: UbomErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** The backend could not be reached or refused for now. Retryable by default. */
export class UnavailableError extends UbomError {
  constructor(message: string, options: UbomErrorOptions = {}) {
    super('UNAVAILABLE', message, { retryable: true, ...options });
  }
}

/** Two things claim the same name or type. */
export class ConflictError extends UbomError {
  constructor(message: string, options: UbomErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

export type PluginOperation =
  | 'create'
  | 'initialize'
  | 'execute'
  | 'validate'
  | 'healthCheck'
  | 'shutdown'
  | 'load'
  | (string & {});

/** A plugin method threw or hung. Contained: the registry and other plugins keep working. */
export class PluginError extends UbomError {
  readonly pluginName: string;
  readonly operation: PluginOperation;

  constructor(
    pluginName: string,
    operation: PluginOperation,
    cause: unknown,
    options: UbomErrorOptions = {},
  ) {
    super('PLUGIN', `plugin "${pluginName}" failed in ${operation}: ${describeCause(cause)}`, {
      scope: options.scope,
      cause,
      retryable: options.retryable ?? (cause instanceof UbomError ? cause.retryable : false),
    });
    this.pluginName = pluginName;
    this.operation = operation;
  }
}

/** A deadline passed. Used as the abort reason when `work.timeout` elapses. */
export class TimeoutError extends UbomError {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options: UbomErrorOptions = {}) {
    super('TIMEOUT', message, { retryable: true, ...options });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `signal` was aborted. Thrown after the executor has cleaned up. */
export class AbortError extends UbomError {
  constructor(message = 'the work was cancelled', options: UbomErrorOptions = {}) {
    super('ABORTED', message, options);
    this.name = 'AbortError';
  }
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause) ?? String(cause);
  } catch {
    try {
      return String(cause);
    } catch {
      // e.g. an object without a prototype holding a bigint: neither JSON nor String can show it
      return Object.prototype.toString.call(cause);
    }
  }
}

export const isUbomError = (value: unknown): value is UbomError => value instanceof UbomError;
