// One bench worker process: `raw` (a BullMQ Worker with an empty processor) or `ubom` (a WorkWorker
// running no-op works through an EnhancedWorkRegistry). Sends "ready" over IPC, closes on "close".
import { BasePlugin, EnhancedWorkRegistry } from '@ubom/core';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkWorker } from '../dist/index.js';

const [mode, name, url, concurrency] = process.argv.slice(2);
const METRICS = { startedAt: '', finishedAt: '', durationMs: 0, attempts: 1 };

class Noop extends BasePlugin {
  async execute() {
    return { success: true, outputs: {}, logs: [], metrics: { ...METRICS } };
  }
}

let close;
if (mode === 'raw') {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  // raw-result: the same empty processor, but returning a WorkResult-sized value (payload cost only)
  const result = {
    success: true,
    outputs: {},
    logs: [],
    metrics: {
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 0.01,
      attempts: 1,
      jobAttempt: 1,
    },
  };
  const processor = process.env.BENCH_RAW_RESULT ? async () => result : async () => {};
  const worker = new Worker(name, processor, { connection, concurrency: Number(concurrency) });
  await worker.waitUntilReady();
  close = async () => {
    await worker.close();
    await connection.quit();
  };
} else {
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor(
    'noop',
    new Noop(
      { name: 'noop', version: '1.0.0', apiVersion: 1 },
      {
        name: 'noop',
        description: 'does nothing',
        version: '1.0.0',
        capabilities: { cancel: false, streamLogs: false, dryRun: false },
      },
      { type: 'noop', version: '1.0.0', config: { type: 'object' } },
    ),
  );
  const telemetry = process.env.UBOM_BENCH_TELEMETRY !== '0'; // A/B of the bullmq-otel add-on
  const worker = new WorkWorker({
    name,
    connection: url,
    registry,
    concurrency: Number(concurrency),
    telemetry,
  });
  await worker.start();
  close = () => worker.close({ graceMs: 0 });
}
let cpu0 = process.cpuUsage();
process.on('message', async (message) => {
  if (message === 'mark') cpu0 = process.cpuUsage();
  if (message === 'close') {
    const { user, system } = process.cpuUsage(cpu0);
    process.send?.({ cpuUs: user + system });
    await close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(1)); // the bench died: do not outlive it
process.send?.('ready');
