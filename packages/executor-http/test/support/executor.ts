import { EnhancedWorkRegistry, type LogEntry, type Work } from '@ubom/core';
import { createPlugin, type HttpConfigInput, type HttpExecutor } from '../../src';

let ids = 0;

/** An `http` work. */
export const httpWork = (config: HttpConfigInput, extra: Partial<Work> = {}): Work => ({
  id: `http-${++ids}`,
  type: 'http',
  executor_config: config as Record<string, unknown>,
  ...extra,
});

export interface Setup {
  plugin: HttpExecutor;
  registry: EnhancedWorkRegistry;
  /** Runs a work through the registry, collecting its live log. */
  run(
    work: Work,
    signal?: AbortSignal,
  ): Promise<Awaited<ReturnType<EnhancedWorkRegistry['execute']>> & { live: LogEntry[] }>;
}

/** A plugin, initialized, in a registry. */
export async function setup(pluginConfig: Record<string, unknown> = {}): Promise<Setup> {
  const plugin = createPlugin();
  await plugin.initialize(pluginConfig);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('http', plugin);
  return {
    plugin,
    registry,
    async run(work, signal) {
      const live: LogEntry[] = [];
      const result = await registry.execute(
        work,
        {},
        { onLog: (e) => live.push(e), ...(signal ? { signal } : {}) },
      );
      return { ...result, live };
    },
  };
}
