import { AbortError, ValidationError, type ValidationIssue } from '../errors';
import { Masker } from '../secrets/masker';
import type {
  ExecuteOptions,
  ExternalWorkPlugin,
  JSONSchema,
  PluginInfo,
  Work,
  WorkContext,
  WorkMetadata,
  WorkResult,
  WorkSchema,
  WorkType,
} from '../types';
import { throwIfAborted } from '../util/abort';
import { durationProblem, parseDuration } from '../util/duration';
import { boundsIssues } from '../validation/bounds';
import type { Compiled } from './compile';
import { WorkRun } from './run';
import type { CompiledSchema, ConfigSchema } from './schema';
import type { ExecutorSpec } from './spec';
import { OWN_TIMEOUT_KEY, PROPAGATE_TRACE_KEY, splitKernelKeys } from './timeout';

interface Prepared<C> {
  raw: unknown;
  config: C;
  timeoutMs: number | undefined;
  /** `executor_config.propagate_trace` (default true). */
  propagate: boolean;
}

/**
 * The plugin `defineExecutor` makes: a full `ExternalWorkPlugin` whose parsing, secrets, logs, timing,
 * own timeout, works in flight and outcome are the kernel's, and whose backend work is the spec's `run`.
 */
export class KernelPlugin<C = Record<string, unknown>, S = undefined, P = Record<string, unknown>>
  implements ExternalWorkPlugin
{
  readonly #spec: ExecutorSpec<ConfigSchema, ConfigSchema, S>;
  readonly #c: Compiled<C, P>;
  readonly #running = new Map<WorkRun, Promise<unknown>>();
  /** The last parse of `validate`, taken by the `execute` that follows it: one parse per run. */
  readonly #validated = new WeakMap<Work, Prepared<C>>();
  #state: { value: S } | undefined;
  #settingUp: Promise<S> | undefined;
  /** The plugin config of the last `initialize` (parsed). */
  #configured: P | undefined;

  constructor(spec: ExecutorSpec<ConfigSchema, ConfigSchema, S>, compiled: Compiled<C, P>) {
    this.#spec = spec;
    this.#c = compiled;
  }

  getSchema(): WorkSchema {
    return this.#c.schema;
  }

  getMetadata(): WorkMetadata {
    return this.#c.metadata;
  }

  getPluginInfo(): PluginInfo {
    return this.#c.info;
  }

  /** JSON Schema of `initialize(config)`, when the executor takes plugin config. */
  getPluginConfigSchema(): JSONSchema | undefined {
    return this.#c.plugin?.json;
  }

  getSupportedTypes(): WorkType[] {
    return [...this.#c.types];
  }

  canExecute(type: WorkType): boolean {
    return this.#c.types.includes(type);
  }

  /** How many works are running now (0 once every work has settled). */
  get activeWorks(): number {
    return this.#running.size;
  }

  /**
   * What `setup` returned; throws before the plugin is set up (by `initialize` or a first work). A
   * plugin used without `initialize` is set up with its default plugin config; after a failed
   * `initialize`, with the config given to it (retried by each work until it succeeds).
   */
  get state(): S {
    if (!this.#state)
      throw new Error(`[ubom] [${this.#c.scope}] the plugin is not set up yet: call initialize()`);
    return this.#state.value;
  }

  async initialize(config: Record<string, unknown>): Promise<void> {
    const parsed = await this.#parsePluginConfig(config);
    // kept even if setup fails: a later work retries with this config, never with the default one
    this.#configured = parsed;
    const previous = this.#state;
    this.#state = undefined;
    this.#settingUp = undefined;
    if (previous) await this.#spec.teardown?.(previous.value);
    await this.#setUp(parsed);
  }

  async healthCheck(): Promise<void> {
    await this.#spec.health?.(await this.#ready());
  }

  /** Aborts every running work, waits until each has cleaned up, then releases the state. */
  async shutdown(): Promise<void> {
    const reason = new AbortError('the executor is shutting down', { scope: this.#c.scope });
    for (const run of this.#running.keys()) run.controller.abort(reason);
    await Promise.all(this.#running.values());
    const state = this.#state;
    this.#state = undefined;
    this.#settingUp = undefined;
    if (state) await this.#spec.teardown?.(state.value);
  }

  /** Parses `executor_config` and applies the spec's `validate`; every problem at once. */
  validate(work: Work): void | Promise<void> {
    const prepared = this.#prepare(work);
    if (prepared instanceof Promise) return prepared.then((p) => void this.#validated.set(work, p));
    this.#validated.set(work, prepared);
  }

  /** `validate`, then the spec's backend check. Resolves with what the spec's `dryRun` reports. */
  async dryRun(work: Work, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const prepared = await this.#prepare(work);
    if (!this.#spec.dryRun) return undefined;
    const state = await this.#ready();
    return this.#spec.dryRun({
      config: prepared.config,
      work,
      state,
      signal: options.signal,
      timeoutMs: prepared.timeoutMs,
    });
  }

  async execute(work: Work, context: WorkContext = {}, options: ExecuteOptions = {}): Promise<WorkResult> {
    throwIfAborted(options.signal, this.#c.scope);
    const taken = this.#validated.get(work);
    this.#validated.delete(work);
    const prepared =
      taken && taken.raw === (work as Partial<Work>).executor_config ? taken : await this.#prepare(work);
    const state = this.#state ? this.#state.value : await this.#ready();
    const run = new WorkRun({
      pluginName: this.#c.info.name,
      scope: this.#c.scope,
      secrets: this.#c.secrets?.(prepared.raw) ?? [],
      timeoutMs: prepared.timeoutMs,
      options,
      context,
      propagate: prepared.propagate,
    });
    const tools = run.tools();
    const running = run.finish(
      invoke(() =>
        this.#spec.run({
          config: prepared.config,
          work,
          context,
          state,
          timeoutMs: prepared.timeoutMs,
          ...tools,
        }),
      ),
    );
    this.#running.set(
      run,
      running.catch(() => {}),
    );
    try {
      return await running;
    } finally {
      this.#running.delete(run);
    }
  }

  #prepare(work: Work): Prepared<C> | Promise<Prepared<C>> {
    const raw = (work as Partial<Work> | null)?.executor_config;
    const masked = (issues: ValidationIssue[]): ValidationError => {
      const error = new ValidationError(issues, { scope: this.#c.scope });
      return Masker.of(this.#c.secrets?.(raw) ?? []).error(error);
    };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw masked([{ path: 'executor_config', message: 'must be an object' }]);
    const bounds = boundsIssues(raw, 'executor_config');
    if (bounds.length > 0) throw masked(bounds);
    const { timeout, propagateTrace, rest } = splitKernelKeys(raw as Record<string, unknown>);
    const issues: ValidationIssue[] = [];
    const problem = timeout === undefined ? undefined : durationProblem(timeout);
    if (problem) issues.push({ path: `executor_config.${OWN_TIMEOUT_KEY}`, message: problem });
    if (propagateTrace !== undefined && typeof propagateTrace !== 'boolean')
      issues.push({ path: `executor_config.${PROPAGATE_TRACE_KEY}`, message: 'must be true or false' });
    const timeoutMs = problem ? undefined : parseDuration(timeout);
    const finish = (
      parsed: Awaited<ReturnType<CompiledSchema<C>['parse']>>,
    ): Prepared<C> | Promise<Prepared<C>> => {
      if (!parsed.ok) throw masked([...issues, ...parsed.issues]);
      if (issues.length > 0) throw masked(issues);
      const prepared = { raw, config: parsed.value, timeoutMs, propagate: propagateTrace !== false };
      if (!this.#spec.validate) return prepared;
      const check = (state: S): Prepared<C> => {
        const found = this.#spec.validate?.({ config: parsed.value as never, work, state });
        if (found && found.length > 0) throw masked(found);
        return prepared;
      };
      return this.#state ? check(this.#state.value) : this.#ready().then(check);
    };
    const parsed = this.#c.config.parse(rest, 'executor_config');
    return parsed instanceof Promise ? parsed.then(finish) : finish(parsed);
  }

  async #parsePluginConfig(config: unknown): Promise<P> {
    if (!this.#c.plugin) return (config ?? {}) as P;
    const parsed = await this.#c.plugin.parse(config ?? {}, 'config');
    if (!parsed.ok) throw new ValidationError(parsed.issues, { scope: this.#c.scope });
    return parsed.value;
  }

  /** The state, set up with the default plugin config when nobody called `initialize`. */
  #ready(): Promise<S> {
    if (this.#state) return Promise.resolve(this.#state.value);
    if (!this.#settingUp) {
      const configured = this.#configured;
      const config = configured === undefined ? this.#parsePluginConfig({}) : Promise.resolve(configured);
      const settingUp = config.then((c) => this.#setUp(c));
      // a failed setup is tried again by the next caller
      settingUp.catch(() => {
        if (this.#settingUp === settingUp) this.#settingUp = undefined;
      });
      this.#settingUp = settingUp;
    }
    return this.#settingUp;
  }

  async #setUp(config: P): Promise<S> {
    const setup = this.#spec.setup;
    const value = (setup ? await setup({ config: config as never }) : undefined) as S;
    this.#state = { value };
    return value;
  }
}

/** Calls `run`; a synchronous throw becomes a rejection like any other. */
function invoke<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}
