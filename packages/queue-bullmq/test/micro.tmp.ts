import { BasePlugin, EnhancedWorkRegistry } from '@ubom/core';
import { givenExecutors } from '/work/main/packages/queue-bullmq/src/worker/executors';
import { createProcessor } from '/work/main/packages/queue-bullmq/src/worker/process-job';
import { RunningWorks } from '/work/main/packages/queue-bullmq/src/worker/running';

const METRICS = { startedAt: '', finishedAt: '', durationMs: 0, attempts: 1 };
class Noop extends BasePlugin {
  async execute() {
    return { success: true, outputs: {}, logs: [], metrics: { ...METRICS } };
  }
}
const registry = new EnhancedWorkRegistry();
registry.registerExecutor(
  'noop',
  new Noop(
    { name: 'noop', version: '1', apiVersion: 1 },
    {
      name: 'noop',
      description: '',
      version: '1',
      capabilities: { cancel: false, streamLogs: false, dryRun: false },
    },
    { type: 'noop', version: '1', config: { type: 'object' } },
  ),
);
const executors = givenExecutors(registry);
const proc = createProcessor({
  executors: () => executors,
  sealer: undefined,
  running: new RunningWorks(),
  onError: () => {},
});
const data = { v: 1, work: { id: 'n1', type: 'noop', executor_config: {} }, context: {} };
const N = 200000;
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const job = { id: `n${i}`, data, attemptsMade: 0, attemptsStarted: 1, opts: {} } as never;
    const r = await proc(job, 't');
    JSON.stringify(r);
  }
  const t1 = performance.now();
  for (let i = 0; i < N; i++) {
    await (async () => {})();
    JSON.stringify(undefined);
  }
  const t2 = performance.now();
  console.log(
    `processor ${(((t1 - t0) * 1000) / N).toFixed(2)} µs/job, empty ${(((t2 - t1) * 1000) / N).toFixed(2)} µs/job`,
  );
}
