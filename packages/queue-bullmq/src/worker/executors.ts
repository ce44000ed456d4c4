import {
  DefaultPluginLoader,
  type DiscoverOptions,
  EnhancedWorkRegistry,
  type Logger,
  type WorkType,
} from '@ubom/core';
import type { PluginShutdown } from './options';

/** The executors a worker runs works with, and how to shut them down. */
export interface WorkerExecutors {
  registry: EnhancedWorkRegistry;
  /** Shuts every plugin down within `timeoutMs` (bounded whatever the plugins do); never throws. */
  shutdown(options: { timeoutMs: number }): Promise<void>;
}

/**
 * Executors found by discovery (installed `@ubom/executor-*` / `ubom-plugin-*` packages, read by
 * manifest): nothing is imported until a work of a type arrives, then the plugin serving it is
 * created, initialized and registered once.
 */
export async function discoverExecutors(
  options: DiscoverOptions & { logger?: Logger } = {},
): Promise<WorkerExecutors> {
  const loader = new DefaultPluginLoader(options.logger);
  const found = await loader.discover(options.from ? { from: options.from } : {});
  const byType = new Map<string, string>();
  for (const plugin of found)
    if (plugin.status === 'available')
      for (const type of plugin.workTypes) byType.set(type, plugin.packageName);
  const served = [...byType.keys()];
  const registry = new EnhancedWorkRegistry({
    missingExecutorHint: () =>
      served.length === 0
        ? 'no executor package is installed next to this worker (e.g. @ubom/executor-process)'
        : `this worker serves: ${served.join(', ')}`,
    // the plugin is created when a work of one of its types first arrives; a failed load is retried
    resolveExecutor: async (type: WorkType) => {
      const name = byType.get(type);
      return name === undefined ? undefined : loader.acquire(name);
    },
  });
  return {
    registry,
    shutdown: async ({ timeoutMs }) => {
      await loader.shutdownAll({ timeoutMs });
    },
  };
}

/** Wraps a registry you built; `loader` (when given) is shut down with the worker. */
export function givenExecutors(registry: EnhancedWorkRegistry, loader?: PluginShutdown): WorkerExecutors {
  return {
    registry,
    shutdown: async ({ timeoutMs }) => {
      await loader?.shutdownAll({ timeoutMs });
    },
  };
}
