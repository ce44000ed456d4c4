// Benchmark: the http executor (through EnhancedWorkRegistry) against a raw undici `request` to the same
// local server, side by side in one run. Run against the built dist:
// `pnpm --filter @ubom/executor-http build && pnpm --filter @ubom/executor-http bench`.
//   1. p50 latency of a small GET, one at a time (issue 17: ≤ 1.15× raw);
//   2. throughput at 64 in flight (issue 17: ≥ 0.85× raw).
// A third side, "kernel floor", is a bare defineExecutor whose run is the raw request itself, through the
// same registry: what the registry and the kernel cost on their own, so the executor's own share shows.
//   3. CPU per work without the network: the floor and the executor answered by the same in-memory agent
//      (the executor's pool swapped for it), so socket writes and the server's wake-ups, which dominate
//      and vary on a busy machine, drop out and what is left is the registry's, the kernel's and ours.
// The server runs in a child process (its CPU is not this process's). Rounds alternate so both sides see
// the same machine; the median round is reported. BENCH_RUNS sets the sequential requests per round
// (default 2000), BENCH_WORKS the requests per throughput round (default 5000), BENCH_ROUNDS the rounds
// per side (default 5). This process's CPU time per request is printed beside the rates: on a busy
// machine it is the steadier figure.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineExecutor, EnhancedWorkRegistry } from '@ubom/core';
import { Agent, request } from 'undici';
import { z } from 'zod';
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

// the floor: the kernel and the registry around nothing but the raw request
const floorAgent = new Agent();
const floor = defineExecutor({
  name: 'bench-floor',
  version: '0.0.0',
  type: 'floor',
  description: 'the raw request inside the kernel',
  config: z.strictObject({ url: z.string() }),
  async run({ config, signal }) {
    const { statusCode, headers, body } = await floorAgent.request({
      origin: config.url,
      path: '/small',
      method: 'GET',
      signal,
    });
    return { outputs: { status: statusCode, headers, body: await body.json() } };
  },
})();
registry.registerExecutor('floor', floor);
const floorUrl = `http://127.0.0.1:${port}`;

async function raw() {
  const { statusCode, body } = await request(url);
  const json = await body.json();
  if (statusCode !== 200 || json.ok !== true) throw new Error(`raw: HTTP ${statusCode}`);
}

async function viaRegistry() {
  const result = await registry.execute({ id: 'bench', type: 'http', executor_config: { url } }, {});
  if (!result.success || result.outputs.body.ok !== true) throw new Error(result.error);
}

async function viaFloor() {
  const result = await registry.execute(
    { id: 'bench', type: 'floor', executor_config: { url: floorUrl } },
    {},
  );
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
const sides = { raw, floor: viaFloor, ours: viaRegistry };
for (const fn of Object.values(sides)) {
  await latency(fn, 500);
  await throughput(fn, 2000, IN_FLIGHT);
}

const lat = { raw: [], floor: [], ours: [] };
const rate = { raw: [], floor: [], ours: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [side, fn] of Object.entries(sides)) lat[side].push(await latency(fn, RUNS));
  for (const [side, fn] of Object.entries(sides)) rate[side].push(await throughput(fn, WORKS, IN_FLIGHT));
}

const pick = (xs, key) => median(xs.map((x) => x[key]));
const rounds = (xs, key, digits) => xs.map((x) => x[key].toFixed(digits)).join(' ');
const NAMES = {
  raw: 'raw undici request',
  floor: 'kernel floor (registry + bare executor)',
  ours: 'registry + executor-http',
};

console.log(`@ubom/executor-http — small GET to a local server, ${ROUNDS} rounds per side (median round)`);
console.log('\n1. latency, one request at a time');
console.table(
  Object.keys(sides).map((side) => ({
    side: NAMES[side],
    'p50 (ms)': pick(lat[side], 'p50').toFixed(3),
    'vs raw': (pick(lat[side], 'p50') / pick(lat.raw, 'p50')).toFixed(2),
    'CPU (µs/req)': pick(lat[side], 'cpuUs').toFixed(0),
    'p50 per round (ms)': rounds(lat[side], 'p50', 3),
  })),
);
console.log(`target: registry + executor-http p50 ≤ 1.15× raw`);

console.log(`\n2. throughput, ${IN_FLIGHT} in flight, ${WORKS} requests per round`);
console.table(
  Object.keys(sides).map((side) => ({
    side: NAMES[side],
    'req/s': pick(rate[side], 'rate').toFixed(0),
    'vs raw': (pick(rate[side], 'rate') / pick(rate.raw, 'rate')).toFixed(2),
    'CPU (µs/req)': pick(rate[side], 'cpuUs').toFixed(0),
    'req/s per round': rounds(rate[side], 'rate', 0),
  })),
);
console.log(`target: registry + executor-http ≥ 0.85× raw`);

// 3. without the network
const payload = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3] }));
const answer = () => ({
  statusCode: 200,
  statusText: 'OK',
  headers: {
    'content-type': 'application/json',
    'content-length': String(payload.length),
    connection: 'keep-alive',
  },
  body: {
    bytes: async () => new Uint8Array(payload.buffer, payload.byteOffset, payload.length),
    json: async () => JSON.parse(payload.toString()),
    dump: async () => {},
    destroy() {},
  },
});
const memory = {
  request: async ({ signal }) => {
    // as undici does: listen for an abort while the request runs
    const onAbort = () => {};
    signal?.addEventListener('abort', onAbort, { once: true });
    const response = answer();
    signal?.removeEventListener('abort', onAbort);
    return response;
  },
};
const offline = createPlugin();
await offline.initialize({});
offline.state.agent = () => memory;
const memoryFloor = defineExecutor({
  name: 'bench-floor-memory',
  version: '0.0.0',
  type: 'floor-memory',
  description: 'the in-memory request inside the kernel',
  config: z.strictObject({ url: z.string() }),
  async run({ signal }) {
    const { statusCode, headers, body } = await memory.request({ signal });
    return { outputs: { status: statusCode, headers, body: await body.json() } };
  },
})();
const offlineRegistry = new EnhancedWorkRegistry();
offlineRegistry.registerExecutor('http', offline);
offlineRegistry.registerExecutor('floor-memory', memoryFloor);
const offlineSides = {
  floor: () => offlineRegistry.execute({ id: 'b', type: 'floor-memory', executor_config: { url } }, {}),
  ours: () => offlineRegistry.execute({ id: 'b', type: 'http', executor_config: { url } }, {}),
};
const cpu = { floor: [], ours: [] };
for (const fn of Object.values(offlineSides)) await latency(fn, 5000);
for (let round = 0; round < ROUNDS; round++)
  for (const [side, fn] of Object.entries(offlineSides)) cpu[side].push(await latency(fn, RUNS * 5));
console.log('\n3. CPU per work without the network (an in-memory agent answers both)');
console.table(
  Object.keys(offlineSides).map((side) => ({
    side: NAMES[side],
    'CPU (µs/work)': pick(cpu[side], 'cpuUs').toFixed(1),
    'best round': Math.min(...cpu[side].map((r) => r.cpuUs)).toFixed(1),
    'per round': rounds(cpu[side], 'cpuUs', 1),
  })),
);
const best = (side) => Math.min(...cpu[side].map((r) => r.cpuUs));
console.log(
  `the executor's own share: ${(pick(cpu.ours, 'cpuUs') - pick(cpu.floor, 'cpuUs')).toFixed(1)} µs/work (median rounds), ${(best('ours') - best('floor')).toFixed(1)} µs/work (best rounds)`,
);

await Promise.all([plugin.shutdown(), offline.shutdown(), floorAgent.close()]);
server.kill();
