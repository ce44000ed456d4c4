import type { PluginError } from '../errors';
import { EnhancedWorkRegistry } from '../registry/registry';
import type { SecretProvider } from '../secrets/providers';
import type { Logger, WorkType } from '../types';
import type { DiscoveredPlugin, DiscoverOptions } from './discovery';
import { DefaultPluginLoader, type ShutdownOptions } from './loader';

export interface DiscoveredExecutorsOptions extends DiscoverOptions {
  logger?: Logger;
  /** Bound of one plugin's `initialize` / `healthCheck` (see `DefaultPluginLoader`). */
  operationTimeoutMs?: number;
  /** The `initialize` config of a plugin, by package name. Default `{}`. */
  pluginConfig?: (packageName: string) => Record<string, unknown> | undefined;
  /** Secret providers for `{ "$secret": "NAME" }` references (see `EnhancedWorkRegistry`). */
  secrets?: SecretProvider[];
  /** What to say about a work type no available plugin serves (an install hint, the types served…). */
  missingExecutorHint?: (type: WorkType, plugins: readonly DiscoveredPlugin[]) => string | undefined;
}

export interface DiscoveredExecutors {
  /** Imports, creates and initializes the plugin of a work's type the first time one is validated or run. */
  registry: EnhancedWorkRegistry;
  loader: DefaultPluginLoader;
  /** Every plugin package found (manifests only), with the reasons some cannot be used. */
  plugins: DiscoveredPlugin[];
  /** Work type → the available plugin serving it. */
  serving: ReadonlyMap<WorkType, DiscoveredPlugin>;
  /** Plugins whose import or `initialize` failed, by package name (tried again on the next work). */
  failures: ReadonlyMap<string, PluginError>;
  /** Shuts every initialized plugin down within the bound; resolves with the failures. */
  shutdown(options?: ShutdownOptions): Promise<PluginError[]>;
}

/**
 * The one wiring of discovered plugins to a registry, for the CLI, queue workers and embedders:
 * discovery reads manifests only, and a plugin is imported and initialized (once, shared by concurrent
 * works; retried after a failure) when a work of one of its types first arrives.
 */
export async function openDiscoveredExecutors(
  options: DiscoveredExecutorsOptions = {},
): Promise<DiscoveredExecutors> {
  const { logger, operationTimeoutMs, pluginConfig, missingExecutorHint, secrets, ...discover } = options;
  const loader = new DefaultPluginLoader(
    logger,
    operationTimeoutMs === undefined ? {} : { operationTimeoutMs },
  );
  const plugins = await loader.discover(discover);
  const serving = new Map<WorkType, DiscoveredPlugin>();
  for (const plugin of plugins)
    if (plugin.status === 'available') for (const type of plugin.workTypes) serving.set(type, plugin);
  const failures = new Map<string, PluginError>();
  const registry = new EnhancedWorkRegistry({
    ...(secrets ? { secrets } : {}),
    knownTypes: () => serving.keys(),
    ...(missingExecutorHint ? { missingExecutorHint: (type) => missingExecutorHint(type, plugins) } : {}),
    resolveExecutor: async (type) => {
      const plugin = serving.get(type);
      if (!plugin) return undefined;
      const name = plugin.packageName;
      try {
        const instance = await loader.acquire(name, pluginConfig?.(name) ?? {});
        failures.delete(name);
        return instance;
      } catch (error) {
        failures.set(name, error as PluginError); // the loader throws nothing else
        throw error;
      }
    },
  });
  return {
    registry,
    loader,
    plugins,
    serving,
    failures,
    shutdown: (shutdownOptions) => loader.shutdownAll(shutdownOptions),
  };
}
