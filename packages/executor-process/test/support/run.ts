import { randomUUID } from 'node:crypto';
import {
  EnhancedWorkRegistry,
  type ExecuteOptions,
  type LogEntry,
  type Work,
  type WorkResult,
} from '@ubom/core';
import { createPlugin } from '../../src';

export const executor = createPlugin();
export const registry = new EnhancedWorkRegistry();
registry.registerExecutor('process', executor);

export const processWork = (executor_config: Record<string, unknown>, extra: Partial<Work> = {}): Work => ({
  id: `test-${randomUUID()}`,
  type: 'process',
  executor_config,
  ...extra,
});

/** Runs a process work through the registry, collecting the live log. */
export async function run(
  executor_config: Record<string, unknown>,
  options: ExecuteOptions & { work?: Partial<Work> } = {},
): Promise<{ result: WorkResult; live: LogEntry[] }> {
  const live: LogEntry[] = [];
  const { work, ...rest } = options;
  const result = await registry.execute(
    processWork(executor_config, work),
    {},
    {
      ...rest,
      onLog: (entry) => {
        live.push(entry);
        rest.onLog?.(entry);
      },
    },
  );
  return { result, live };
}

export const lines = (entries: LogEntry[], source: 'stdout' | 'stderr'): string[] =>
  entries.filter((e) => e.source === source).map((e) => e.message);
