// registry.execute of a no-op executor vs calling the executor directly, side by side in one run.
// Goal (issue 2): ≤ 3 µs overhead per work, ≥ 300k works/s on one core.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BasePlugin, EnhancedWorkRegistry } from '@ubom/core';

const RESULT_METRICS = { startedAt: '', finishedAt: '', durationMs: 0, attempts: 1 };
class NoopExecutor extends BasePlugin {
  async execute() {
    return { success: true, outputs: {}, logs: [], metrics: { ...RESULT_METRICS } };
  }
}
const schema = {
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
const executor = new NoopExecutor(
  { name: 'noop', version: '1.0.0', apiVersion: 1 },
  {
    name: 'noop',
    description: 'does nothing',
    version: '1.0.0',
    capabilities: { cancel: false, streamLogs: false, dryRun: false },
  },
  schema,
);
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('noop', executor);
const work = { id: 'w1', type: 'noop', executor_config: { command: ['true'], environment: { A: '1' } } };
const ctx = { workflowId: 'wf', runId: 'r1' };

async function time(label, fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return { label, perWorkNs: ns / n, perSecond: (n / ns) * 1e9 };
}

const N = Number(process.env.BENCH_N ?? 500_000);
const direct = () => executor.execute(work, ctx);
const viaRegistry = () => registry.execute(work, ctx);
for (let i = 0; i < 3; i++) {
  await time('warm', direct, 50_000);
  await time('warm', viaRegistry, 50_000);
}
const rounds = [];
for (let i = 0; i < 5; i++)
  rounds.push([await time('direct', direct, N), await time('registry', viaRegistry, N)]);
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const d = median(rounds.map(([a]) => a.perWorkNs));
const r = median(rounds.map(([, b]) => b.perWorkNs));
console.log(
  'core: registry.execute vs direct executor.execute (no-op executor, median of 5 rounds of %d)',
  N,
);
console.log(
  `  direct    ${(d / 1000).toFixed(3)} µs/work  ${Math.round(1e9 / d).toLocaleString('en')} works/s`,
);
console.log(
  `  registry  ${(r / 1000).toFixed(3)} µs/work  ${Math.round(1e9 / r).toLocaleString('en')} works/s`,
);
console.log(
  `  overhead  ${((r - d) / 1000).toFixed(3)} µs/work (goal ≤ 3 µs); registry throughput ${Math.round(1e9 / r).toLocaleString('en')}/s (goal ≥ 300,000/s)`,
);

// The slow path: a timeout to enforce, a caller's signal and a secret to mask.
class SecretExecutor extends NoopExecutor {}
const secretExecutor = new SecretExecutor(
  { name: 'secret', version: '1.0.0', apiVersion: 1 },
  executor.getMetadata(),
  {
    ...schema,
    type: 'secret',
    config: {
      ...schema.config,
      properties: { ...schema.config.properties, token: { type: 'string', writeOnly: true } },
    },
  },
);
registry.registerExecutor('secret', secretExecutor);
const slowWork = {
  id: 'w2',
  type: 'secret',
  timeout: '30s',
  executor_config: { command: ['true'], token: 'hunter2-very-secret' },
};
const signal = new AbortController().signal;
const slow = () => registry.execute(slowWork, ctx, { signal });
await time('warm', slow, 50_000);
const slowRounds = [];
for (let i = 0; i < 3; i++) slowRounds.push((await time('slow', slow, N / 5)).perWorkNs);
const s = median(slowRounds);
console.log(
  `  with timeout + signal + secret masking: ${(s / 1000).toFixed(3)} µs/work, overhead ${((s - d) / 1000).toFixed(3)} µs`,
);

// Telemetry (issue 14): no SDK vs SDK + in-memory exporter, in a process of its own (bench/telemetry.mjs)
execFileSync(process.execPath, [fileURLToPath(new URL('./telemetry.mjs', import.meta.url))], {
  stdio: 'inherit',
});
