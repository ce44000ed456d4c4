import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { Masker } from '../secrets/masker';
import type { SecretProvider } from '../secrets/providers';
import { hasSecretReference } from '../secrets/references';
import { workTelemetry } from '../telemetry/work-telemetry';
import type {
  CheckedWork,
  EnhancedWorkExecutor,
  ExecuteOptions,
  Work,
  WorkContext,
  WorkResult,
  WorkSchema,
  WorkType,
} from '../types';
import { parseDuration } from '../util/duration';
import { SchemaValidator, type SecretValues } from '../validation/schema-validator';
import { suggest } from '../validation/suggest';
import { guardSync, toPluginError } from './guard';
import type { EnhancedWorkRegistryOptions, ValidateOptions } from './options';
import { runWork } from './run-work';
import { boundedValidation, timedOutWhileValidating } from './validation-bound';
import { secretValuesOf, withSecretReferences } from './work-secrets';

/** An executor that can check a work against its backend without running it. */
interface DryRunnable {
  dryRun(work: Work, options: { signal?: AbortSignal }): Promise<unknown>;
}

interface Entry {
  executor: EnhancedWorkExecutor;
  pluginName: string;
}

const nameOf = (executor: EnhancedWorkExecutor, type: WorkType): string => {
  try {
    const withInfo = executor as Partial<{ getPluginInfo(): { name: string } }>;
    return withInfo.getPluginInfo?.().name ?? executor.getMetadata().name ?? type;
  } catch {
    return type;
  }
};

/** Executors by work type: validates works, runs them with timeouts, cancellation and secret masking. */
export class EnhancedWorkRegistry {
  readonly #entries = new Map<WorkType, Entry>();
  readonly #validator = new SchemaValidator();
  readonly #abortGraceMs: number;
  readonly #validateTimeoutMs: number;
  readonly #secrets: readonly SecretProvider[];
  readonly #knownTypes: (() => Iterable<WorkType>) | undefined;
  readonly #hint: ((type: WorkType) => string | undefined) | undefined;
  readonly #resolve: ((type: WorkType) => Promise<EnhancedWorkExecutor | undefined>) | undefined;
  readonly #resolving = new Map<WorkType, Promise<void>>();

  constructor(options: EnhancedWorkRegistryOptions = {}) {
    this.#abortGraceMs = options.abortGraceMs ?? 30_000;
    this.#validateTimeoutMs = options.validateTimeoutMs ?? 30_000;
    this.#secrets = options.secrets ?? [];
    this.#knownTypes = options.knownTypes;
    this.#hint = options.missingExecutorHint;
    this.#resolve = options.resolveExecutor;
  }

  /** Registers `executor` for `type`. Its schema is compiled now, so a broken schema fails here, not per work. */
  registerExecutor(type: WorkType, executor: EnhancedWorkExecutor): void {
    if (this.#entries.has(type))
      throw new ConflictError(`an executor is already registered for type "${type}"`);
    const pluginName = nameOf(executor, type);
    if (!guardSync(pluginName, 'canExecute', () => executor.canExecute(type))) {
      throw new ConflictError(`executor "${pluginName}" says it cannot execute type "${type}"`);
    }
    const schema = guardSync(pluginName, 'getSchema', () => executor.getSchema());
    this.#validator.registerSchema(type, schema);
    this.#entries.set(type, { executor, pluginName });
  }

  unregisterExecutor(type: WorkType): boolean {
    return this.#entries.delete(type);
  }

  /** The executor for `type`; throws `NotFoundError` (with a "did you mean") when there is none. */
  getExecutor(type: WorkType): EnhancedWorkExecutor {
    return this.#entry(type).executor;
  }

  hasExecutor(type: WorkType): boolean {
    return this.#entries.has(type);
  }

  getSupportedTypes(): WorkType[] {
    return [...this.#entries.keys()];
  }

  getSchema(type: WorkType): WorkSchema {
    this.#entry(type); // NotFoundError, with its hint, for a type nobody executes
    return this.#validator.getSchema(type) as WorkSchema;
  }

  /**
   * The secret values (schema `writeOnly`) a work of a registered type holds, by where they sit.
   * Secret references (`{ "$secret": "NAME" }`) are not values: a work holding only those has none.
   */
  secretValues(work: Work): SecretValues {
    return secretValuesOf(work, this.#validator);
  }

  /**
   * Schema first (every problem at once), then the executor's own `validate`. Nothing runs. With
   * `dryRun: true`, also the executor's `dryRun(work)` when it has one: checks against the backend
   * (the program is on PATH, the image is on the engine, the method exists) that `execute` leaves to
   * the run itself.
   */
  async validateWork<const W extends Work>(
    given: CheckedWork<W>,
    options: ValidateOptions = {},
  ): Promise<void> {
    let work: Work = given;
    await this.#resolveMissing(work);
    work = await this.#withSecrets(work, options.resolveSecrets === true, options.signal);
    const entry = this.#prepare(work);
    const masker = this.#masker(work);
    const validating = this.#executorValidate(entry, work, masker);
    if (validating) {
      const bound = {
        timeoutMs: undefined,
        validateTimeoutMs: this.#validateTimeoutMs,
        signal: options.signal,
      };
      await boundedValidation(validating, entry.pluginName, bound);
    }
    const dryRun = (entry.executor as Partial<DryRunnable>).dryRun;
    if (!options.dryRun || typeof dryRun !== 'function') return;
    try {
      await dryRun.call(entry.executor, work, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      const wrapped = toPluginError(entry.pluginName, 'dryRun', error);
      throw masker ? masker.error(wrapped) : wrapped;
    }
  }

  /**
   * Validates and runs `work`. Resolves with `success: false` when the work ran and failed (or hit its
   * own `timeout`); rejects with a `UbomError` when it could not be attempted, and with `AbortError`
   * once cleanup has finished when `options.signal` aborts.
   */
  execute<const W extends Work>(
    given: CheckedWork<W>,
    workContext: WorkContext = {},
    options: ExecuteOptions = {},
  ): Promise<WorkResult> {
    // a span and the work metrics when an OpenTelemetry SDK is registered, else one no-op check
    const telemetry = workTelemetry();
    if (!telemetry) return this.#execute(given, workContext, options);
    return telemetry.run(given, workContext, options.signal, (wc) => this.#execute(given, wc, options));
  }

  async #execute(given: Work, workContext: WorkContext, options: ExecuteOptions): Promise<WorkResult> {
    let work: Work = given;
    if (this.#resolve) await this.#resolveMissing(work);
    if (hasSecretReference(work)) work = await this.#withSecrets(work, true, options.signal);
    const entry = this.#prepare(work);
    const masker = this.#masker(work);
    const timeoutMs = work.timeout === undefined ? undefined : parseDuration(work.timeout);
    let spentMs = 0;
    const validating = this.#executorValidate(entry, work, masker);
    if (validating) {
      const t0 = performance.now();
      const bound = { timeoutMs, validateTimeoutMs: this.#validateTimeoutMs, signal: options.signal };
      const timedOut = await boundedValidation(validating, entry.pluginName, bound);
      if (timedOut) return timedOutWhileValidating(timedOut, entry.pluginName);
      spentMs = performance.now() - t0;
    }
    return runWork(work, workContext, options, {
      executor: entry.executor,
      pluginName: entry.pluginName,
      masker,
      timeoutMs,
      spentMs,
      abortGraceMs: this.#abortGraceMs,
    });
  }

  /** Lets `resolveExecutor` supply the executor of a work's type seen for the first time. */
  async #resolveMissing(work: Work): Promise<void> {
    const type = (work as Partial<Work> | null)?.type;
    if (typeof type !== 'string' || (await this.ensureExecutor(type))) return;
    // a near-miss of a type that can be loaded: load it, so the work's config is checked against it
    const close = suggest(type, [...this.#entries.keys(), ...(this.#knownTypes?.() ?? [])]);
    if (close !== undefined) await this.ensureExecutor(close).catch(() => false);
  }

  /**
   * Registers the executor of `type` through the `resolveExecutor` option when none is registered yet
   * (once per type; callers asking at the same time share the call). Resolves whether `type` has an
   * executor now. `execute` and `validateWork` do this for a work's type; call it to load a type ahead.
   */
  async ensureExecutor(type: string): Promise<boolean> {
    if (!this.#resolve || this.#entries.has(type)) return this.#entries.has(type);
    let pending = this.#resolving.get(type);
    if (!pending) {
      const resolve = this.#resolve;
      pending = (async () => {
        const executor = await resolve(type);
        if (executor && !this.#entries.has(type)) this.registerExecutor(type, executor);
      })().finally(() => this.#resolving.delete(type));
      this.#resolving.set(type, pending);
    }
    await pending;
    return this.#entries.has(type);
  }

  /** See `withSecretReferences`: references resolved (or placeholders), refused where misplaced. */
  #withSecrets(work: Work, resolve: boolean, signal: AbortSignal | undefined): Promise<Work> {
    return withSecretReferences(work, {
      validator: this.#validator,
      providers: this.#secrets,
      resolve,
      signal,
    });
  }

  #entry(type: WorkType): Entry {
    const entry = this.#entries.get(type);
    if (entry) return entry;
    const hint = suggest(String(type), this.#entries.keys());
    const install = this.#hint?.(type);
    const detail = hint ? ` — did you mean "${hint}"?` : install ? ` — ${install}` : '';
    throw new NotFoundError(`no executor for type "${String(type)}"${detail}`);
  }

  /** Finds the entry and runs the schema check; throws the `ValidationError` with secrets masked. */
  #prepare(work: Work): Entry {
    const type = (work as Partial<Work> | null)?.type;
    if (typeof type === 'string' && type.length > 0) {
      if (!this.#entries.has(type) && suggest(type, this.#entries.keys()) !== undefined) {
        // a misspelled type: reported with every problem of the config against the close type
        const error = new ValidationError(this.#validator.check(work));
        throw this.#masker(work)?.error(error) ?? error;
      }
      const entry = this.#entry(type);
      const issues = this.#validator.check(work);
      if (issues.length > 0) {
        const error = new ValidationError(issues);
        throw this.#masker(work)?.error(error) ?? error;
      }
      return entry;
    }
    throw new ValidationError(this.#validator.check(work));
  }

  #masker(work: Work): Masker | undefined {
    const found = this.#validator.secretValues(work);
    if (found.config.length === 0 && found.inputs.length === 0) return undefined;
    const secrets = found.inputs.length === 0 ? found.config : [...found.config, ...found.inputs];
    const masker = Masker.of(secrets);
    return masker.empty ? undefined : masker;
  }

  /** The executor's own `validate`; awaited only when it returns a promise (most are synchronous). */
  #executorValidate(entry: Entry, work: Work, masker: Masker | undefined): void | Promise<void> {
    const fail = (error: unknown): never => {
      const wrapped = toPluginError(entry.pluginName, 'validate', error);
      throw masker ? masker.error(wrapped) : wrapped;
    };
    let pending: void | Promise<void>;
    try {
      pending = entry.executor.validate(work);
    } catch (error) {
      return fail(error);
    }
    return pending && typeof pending.then === 'function' ? pending.then(undefined, fail) : undefined;
  }
}
