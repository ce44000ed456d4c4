import {
  type DiscoverOptions,
  type EnhancedWorkRegistry,
  type Logger,
  openDiscoveredExecutors,
  type SecretProvider,
} from '@ubom/core';
import type { PluginShutdown } from './options';
import type { PluginStatus } from './readiness';

/** The executors a worker runs works with, and how to shut them down. */
export interface WorkerExecutors {
  registry: EnhancedWorkRegistry;
  /** Shuts every plugin down within `timeoutMs` (bounded whatever the plugins do); never throws. */
  shutdown(options: { timeoutMs: number }): Promise<void>;
  /** Health of the plugins initialized so far (and of those that failed to initialize). */
  health?(): Promise<PluginStatus[]>;
}

/**
 * Executors found by discovery (installed `@ubom/executor-*` / `ubom-plugin-*` packages, read by
 * manifest), through core's `openDiscoveredExecutors`: nothing is imported until a work of a type
 * arrives, then the plugin serving it is created, initialized and registered once.
 */
export async function discoverExecutors(
  options: DiscoverOptions & { logger?: Logger; secrets?: SecretProvider[] } = {},
): Promise<WorkerExecutors> {
  const opened = await openDiscoveredExecutors({
    ...options,
    missingExecutorHint: () => {
      const served = [...opened.serving.keys()];
      return served.length === 0
        ? 'no executor package is installed next to this worker (e.g. @ubom/executor-process)'
        : `this worker serves: ${served.join(', ')}`;
    },
  });
  return {
    registry: opened.registry,
    shutdown: async ({ timeoutMs }) => {
      await opened.shutdown({ timeoutMs });
    },
    health: async () => {
      const checked: PluginStatus[] = await opened.loader.healthCheckAll();
      for (const [name, error] of opened.failures)
        if (!checked.some((c) => c.name === name)) checked.push({ name, healthy: false, error });
      return checked;
    },
  };
}

/** Wraps a registry you built; `loader` (when given) is shut down with the worker. */
export function givenExecutors(registry: EnhancedWorkRegistry, loader?: PluginShutdown): WorkerExecutors {
  const executors: WorkerExecutors = {
    registry,
    shutdown: async ({ timeoutMs }) => {
      await loader?.shutdownAll({ timeoutMs });
    },
  };
  if (loader?.healthCheckAll) executors.health = () => loader.healthCheckAll?.() ?? Promise.resolve([]);
  return executors;
}
