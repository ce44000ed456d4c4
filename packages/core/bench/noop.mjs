// The no-op executor, its registry and work, and the timing helper both core benches use.
import { BasePlugin, EnhancedWorkRegistry } from '@ubom/core';

const RESULT_METRICS = { startedAt: '', finishedAt: '', durationMs: 0, attempts: 1 };
export class NoopExecutor extends BasePlugin {
  async execute() {
    return { success: true, outputs: {}, logs: [], metrics: { ...RESULT_METRICS } };
  }
}
export const schema = {
  type: 'noop',
  version: '1.0.0',
  config: {
    type: 'object',
    properties: {
      command: { type: 'array', items: { type: 'string' } },
      environment: { type: 'object', additionalProperties: { type: 'string' } },
    },
    required: ['command'],
    additionalProperties: false,
  },
};
export const executor = new NoopExecutor(
  { name: 'noop', version: '1.0.0', apiVersion: 1 },
  {
    name: 'noop',
    description: 'does nothing',
    version: '1.0.0',
    capabilities: { cancel: false, streamLogs: false, dryRun: false },
  },
  schema,
);
export const registry = new EnhancedWorkRegistry();
registry.registerExecutor('noop', executor);
export const work = {
  id: 'w1',
  type: 'noop',
  executor_config: { command: ['true'], environment: { A: '1' } },
};
export const ctx = { workflowId: 'wf', runId: 'r1' };

export async function time(label, fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return { label, perWorkNs: ns / n, perSecond: (n / ns) * 1e9 };
}

export const N = Number(process.env.BENCH_N ?? 500_000);
export const direct = () => executor.execute(work, ctx);
export const viaRegistry = () => registry.execute(work, ctx);
export const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
