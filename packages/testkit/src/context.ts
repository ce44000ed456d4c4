import {
  type EnhancedWorkExecutor,
  EnhancedWorkRegistry,
  type WorkContext,
  type WorkMetadata,
} from '@ubom/core';
import type { ExecutorConformanceOptions } from './types';

/** The options the groups read (the executor itself is already created). */
export type GroupOptions = Pick<ExecutorConformanceOptions, 'name' | 'works' | 'invalidConfigs'>;

/** What every group gets: the executor, a registry holding it, and the options. */
export interface SuiteContext {
  readonly options: GroupOptions;
  readonly executor: EnhancedWorkExecutor;
  readonly registry: EnhancedWorkRegistry;
  readonly metadata: WorkMetadata;
  readonly cancelWithinMs: number;
  readonly cancelAfterMs: number;
  readonly testTimeoutMs: number;
  workContext(): WorkContext;
  /** 0 when the options give no `leftovers` probe. */
  leftovers(): Promise<number>;
}

let runs = 0;

export function createSuiteContext<E extends EnhancedWorkExecutor>(
  options: ExecutorConformanceOptions<E>,
  executor: E,
): SuiteContext {
  const registry = new EnhancedWorkRegistry();
  for (const type of executor.getSupportedTypes()) registry.registerExecutor(type, executor);
  return {
    options,
    executor,
    registry,
    metadata: executor.getMetadata(),
    cancelWithinMs: options.cancelWithinMs ?? 10_000,
    cancelAfterMs: options.cancelAfterMs ?? 1_500,
    testTimeoutMs: options.testTimeoutMs ?? 30_000,
    workContext: () => ({ workflowId: `conformance-${options.name}`, runId: `run-${++runs}`, attempt: 1 }),
    leftovers: async () => (options.leftovers ? await options.leftovers() : 0),
  };
}

/** Calls `shutdown()` when the executor is a plugin, else nothing. */
export async function defaultDestroy(executor: EnhancedWorkExecutor): Promise<void> {
  const shutdown = (executor as { shutdown?: unknown }).shutdown;
  if (typeof shutdown === 'function') await (shutdown as () => Promise<void>).call(executor);
}
