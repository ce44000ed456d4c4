// registry.execute of a no-op executor vs calling the executor directly, side by side in one run.
// Goal (issue 2): ≤ 3 µs overhead per work, ≥ 300k works/s on one core.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ctx,
  direct,
  executor,
  median,
  N,
  NoopExecutor,
  registry,
  schema,
  time,
  viaRegistry,
} from './noop.mjs';

for (let i = 0; i < 3; i++) {
  await time('warm', direct, 50_000);
  await time('warm', viaRegistry, 50_000);
}
const rounds = [];
for (let i = 0; i < 5; i++)
  rounds.push([await time('direct', direct, N), await time('registry', viaRegistry, N)]);
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
