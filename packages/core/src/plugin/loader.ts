import { ConflictError, NotFoundError, PluginError } from '../errors';
import type { ExternalWorkPlugin, Logger, PluginFactory } from '../types';
import { type DiscoveredPlugin, type DiscoverOptions, discoverPlugins } from './discovery';
import { loadDiscoveredPlugin } from './load';
import { silentLogger } from './logger';

export interface PluginLoaderOptions {
  /** Bound for `initialize` and `healthCheck` of one plugin. Default 30 s. */
  operationTimeoutMs?: number;
}

export interface ShutdownOptions {
  /** The whole shutdown returns within this bound, even if a plugin hangs. Default 10 s. */
  timeoutMs?: number;
}

export interface PluginHealth {
  name: string;
  healthy: boolean;
  error?: PluginError;
}

interface Slot {
  factory: PluginFactory;
  instance?: ExternalWorkPlugin | undefined;
  /** Set while `initializePlugin` runs, so a second call cannot create a second instance. */
  starting?: Promise<ExternalWorkPlugin> | undefined;
}

/** Plugin lifecycle: register factories, initialize, look up, health-check and shut down, each contained. */
export class DefaultPluginLoader {
  readonly #slots = new Map<string, Slot>();
  readonly #logger: Logger;
  readonly #timeoutMs: number;

  constructor(logger: Logger = silentLogger, options: PluginLoaderOptions = {}) {
    this.#logger = logger;
    this.#timeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  registerPlugin(name: string, factory: PluginFactory): void {
    if (this.#slots.has(name)) throw new ConflictError(`a plugin named "${name}" is already registered`);
    this.#slots.set(name, { factory });
    this.#logger.debug('plugin registered', { plugin: name });
  }

  /**
   * Finds installed plugins (see `discoverPlugins`) and registers a factory for each usable one under
   * its package name; nothing is imported until `initializePlugin`. Returns everything found, with the
   * reasons some cannot be used.
   */
  async discover(options: DiscoverOptions = {}): Promise<DiscoveredPlugin[]> {
    const found = await discoverPlugins(options);
    for (const plugin of found) {
      if (plugin.status !== 'available' || this.#slots.has(plugin.packageName)) continue;
      this.registerPlugin(plugin.packageName, () => loadDiscoveredPlugin(plugin));
    }
    for (const plugin of found.filter((p) => p.status !== 'available')) {
      this.#logger.warn('plugin not loaded', { plugin: plugin.packageName, reason: plugin.reason });
    }
    return found;
  }

  /** Creates the plugin and calls its `initialize(config)`; any throw or hang becomes a `PluginError`. */
  async initializePlugin(name: string, config: Record<string, unknown> = {}): Promise<ExternalWorkPlugin> {
    const slot = this.#slot(name);
    if (slot.instance || slot.starting) throw new ConflictError(`plugin "${name}" is already initialized`);
    slot.starting = this.#start(name, slot, config);
    try {
      return await slot.starting;
    } finally {
      slot.starting = undefined;
    }
  }

  /**
   * The plugin's one instance: the initialized one, the one being initialized, or a new one (created
   * and initialized with `config`). A failed initialization is forgotten, so the next call tries again.
   * For lazy loading: callers that may ask at the same time all get the same instance.
   */
  acquire(name: string, config: Record<string, unknown> = {}): Promise<ExternalWorkPlugin> {
    const slot = this.#slot(name);
    if (slot.instance) return Promise.resolve(slot.instance);
    return slot.starting ?? this.initializePlugin(name, config);
  }

  async #start(name: string, slot: Slot, config: Record<string, unknown>): Promise<ExternalWorkPlugin> {
    const plugin = await this.#bounded(name, 'create', () => slot.factory());
    if (!plugin || typeof plugin.execute !== 'function') {
      throw new PluginError(name, 'create', new TypeError('the factory did not return a plugin'));
    }
    try {
      await this.#bounded(name, 'initialize', () => plugin.initialize(config));
    } catch (error) {
      // release what a half-initialized plugin may hold; its own failure to do so is only logged
      await this.#bounded(name, 'shutdown', () => plugin.shutdown(), Math.min(this.#timeoutMs, 5000)).catch(
        (failure: unknown) =>
          this.#logger.warn('shutdown after a failed initialize failed', {
            plugin: name,
            error: String(failure),
          }),
      );
      throw error;
    }
    slot.instance = plugin;
    this.#logger.info('plugin initialized', { plugin: name });
    return plugin;
  }

  /** An initialized plugin; throws `NotFoundError` for an unknown or uninitialized name. */
  getPlugin(name: string): ExternalWorkPlugin {
    const instance = this.#slot(name).instance;
    if (!instance) throw new NotFoundError(`plugin "${name}" is registered but not initialized`);
    return instance;
  }

  listPlugins(): Array<{ name: string; initialized: boolean }> {
    return [...this.#slots].map(([name, slot]) => ({ name, initialized: slot.instance !== undefined }));
  }

  async healthCheck(name: string): Promise<void> {
    const plugin = this.getPlugin(name);
    await this.#bounded(name, 'healthCheck', () => plugin.healthCheck());
  }

  /** Health of every initialized plugin, checked concurrently; one failing does not hide the others. */
  async healthCheckAll(): Promise<PluginHealth[]> {
    const names = [...this.#slots].filter(([, s]) => s.instance).map(([name]) => name);
    return Promise.all(
      names.map(async (name): Promise<PluginHealth> => {
        try {
          await this.healthCheck(name);
          return { name, healthy: true };
        } catch (error) {
          return { name, healthy: false, error: error as PluginError };
        }
      }),
    );
  }

  /**
   * Shuts every initialized plugin down concurrently and returns within `timeoutMs` whatever they do.
   * Resolves with the failures (a hang counts as one); the plugins are forgotten either way.
   */
  async shutdownAll(options: ShutdownOptions = {}): Promise<PluginError[]> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const running = [...this.#slots].filter(([, s]) => s.instance);
    const failures: PluginError[] = [];
    await Promise.all(
      running.map(async ([name, slot]) => {
        const plugin = slot.instance as ExternalWorkPlugin;
        slot.instance = undefined;
        try {
          await this.#bounded(name, 'shutdown', () => plugin.shutdown(), timeoutMs);
        } catch (error) {
          const failure = error as PluginError; // #bounded throws nothing else
          failures.push(failure);
          this.#logger.warn('plugin shutdown failed', { plugin: name, error: failure.message });
        }
      }),
    );
    return failures;
  }

  #slot(name: string): Slot {
    const slot = this.#slots.get(name);
    if (!slot) throw new NotFoundError(`no plugin named "${name}" is registered`);
    return slot;
  }

  /**
   * Runs one lifecycle call of a plugin within `ms`. Whatever it throws (a `UbomError` too, e.g. an
   * `UnavailableError` from `initialize`) becomes a `PluginError` naming the plugin and the operation,
   * which keeps the cause and its `retryable`.
   */
  async #bounded<T>(
    name: string,
    operation: string,
    fn: () => T | Promise<T>,
    ms = this.#timeoutMs,
  ): Promise<T> {
    const call = (async () => fn())();
    try {
      return await withDeadline(call, ms, () => {
        throw new PluginError(name, operation, new Error(`did not finish within ${ms} ms`));
      });
    } catch (error) {
      throw error instanceof PluginError ? error : new PluginError(name, operation, error);
    }
  }
}

/**
 * Settles with `promise`, or with `onTimeout()` once `ms` pass. The timer keeps the process alive while
 * the call is pending (else a hung call with nothing else scheduled ends the process, exit 13, instead of
 * becoming an error); it is cleared as soon as the call settles.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => T | Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      Promise.resolve().then(onTimeout).then(resolve, reject);
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
