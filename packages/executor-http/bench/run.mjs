// Benchmark: the http executor (through EnhancedWorkRegistry) against a raw undici `request` to the same
// local server, side by side in one run. Run against the built dist:
// `pnpm --filter @ubom/executor-http build && pnpm --filter @ubom/executor-http bench`.
//   1. p50 latency of a small GET, one at a time (issue 17: ≤ 1.15× raw);
//   2. throughput at 64 in flight (issue 17: ≥ 0.85× raw).
// The server runs in a child process (its CPU is not this process's). Rounds alternate so both sides see
// the same machine; the median round is reported. BENCH_RUNS sets the sequential requests per round
// (default 2000), BENCH_WORKS the requests per throughput round (default 5000), BENCH_ROUNDS the rounds
// per side (default 5). This process's CPU time per request is printed beside the rates: on a busy
// machine it is the steadier figure.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry } from '@ubom/core';
import { request } from 'undici';
import { createPlugin } from '../dist/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const WORKS = Number(process.env.BENCH_WORKS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 64;

const server = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), { stdio: 'inherit' });
const port = await new Promise((resolve) => server.once('message', resolve));
const url = `http://127.0.0.1:${port}/small`;

const plugin = createPlugin();
await plugin.initialize({});
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('http', plugin);

async function raw() {
  const { statusCode, body } = await request(url);
  const json = await body.json();
  if (statusCode !== 200 || json.ok !== true) throw new Error(`raw: HTTP ${statusCode}`);
}

async function viaRegistry() {
  const result = await registry.execute({ id: 'bench', type: 'http', executor_config: { url } }, {});
  if (!result.success || result.outputs.body.ok !== true) throw new Error(result.error);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** p50 of `runs` sequential calls, and this process's CPU µs per call. */
async function latency(fn, runs) {
  const samples = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { p50: median(samples), cpuUs: (cpu.user + cpu.system) / runs };
}

/** Calls per second running `fn` `works` times, `concurrency` at a time, and CPU µs per call. */
async function throughput(fn, works, concurrency) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < works) {
        next++;
        await fn();
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: (works / elapsed) * 1000, cpuUs: (cpu.user + cpu.system) / works };
}

// warm up both sides (JIT, pools)
await latency(raw, 500);
await latency(viaRegistry, 500);
await throughput(raw, 2000, IN_FLIGHT);
await throughput(viaRegistry, 2000, IN_FLIGHT);

const lat = { raw: [], ours: [] };
const rate = { raw: [], ours: [] };
for (let round = 0; round < ROUNDS; round++) {
  lat.raw.push(await latency(raw, RUNS));
  lat.ours.push(await latency(viaRegistry, RUNS));
  rate.raw.push(await throughput(raw, WORKS, IN_FLIGHT));
  rate.ours.push(await throughput(viaRegistry, WORKS, IN_FLIGHT));
}

const pick = (xs, key) => median(xs.map((x) => x[key]));
const rawP50 = pick(lat.raw, 'p50');
const ourP50 = pick(lat.ours, 'p50');
console.log(`@ubom/executor-http — small GET to a local server, ${ROUNDS} rounds per side (median round)`);
console.log(
  `p50 rounds, ms: raw ${lat.raw.map((r) => r.p50.toFixed(3)).join(' ')}; executor ${lat.ours.map((r) => r.p50.toFixed(3)).join(' ')}`,
);
console.table([
  {
    'raw undici p50 (ms)': rawP50.toFixed(3),
    'registry + executor p50 (ms)': ourP50.toFixed(3),
    ratio: (ourP50 / rawP50).toFixed(2),
    'target ≤': 1.15,
    'raw CPU (µs/req)': pick(lat.raw, 'cpuUs').toFixed(0),
    'executor CPU (µs/req)': pick(lat.ours, 'cpuUs').toFixed(0),
  },
]);
const rawRate = pick(rate.raw, 'rate');
const ourRate = pick(rate.ours, 'rate');
console.log(`\nthroughput, ${IN_FLIGHT} in flight, ${WORKS} requests × ${ROUNDS} rounds (median round)`);
console.log(
  `rounds, req/s: raw ${rate.raw.map((r) => r.rate.toFixed(0)).join(' ')}; executor ${rate.ours.map((r) => r.rate.toFixed(0)).join(' ')}`,
);
console.table([
  {
    'raw undici (req/s)': rawRate.toFixed(0),
    'registry + executor (req/s)': ourRate.toFixed(0),
    ratio: (ourRate / rawRate).toFixed(2),
    'target ≥': 0.85,
    'raw CPU (µs/req)': pick(rate.raw, 'cpuUs').toFixed(0),
    'executor CPU (µs/req)': pick(rate.ours, 'cpuUs').toFixed(0),
  },
]);

await plugin.shutdown();
server.kill();
