// Benchmark: the grpc executor (through EnhancedWorkRegistry, as a user runs it) against a hand-written
// static grpc-js client of the same proto (@grpc/proto-loader + loadPackageDefinition), on the same
// server (a child process, so client and server each get a core). Side by side in one run.
// Targets (issue 4): unary p50 ≤ 1.3× the static client; throughput at concurrency 64 ≥ 0.8×.
// A third side, the "kernel floor", is a bare defineExecutor whose run is the static client's call, through
// the same registry: what the registry and the kernel cost on their own, so the executor's own share shows.
// Each throughput row also gives this process's CPU time per call.
// Run against the built dist: `pnpm --filter @ubom/executor-grpc build && pnpm --filter @ubom/executor-grpc bench`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { defineExecutor, EnhancedWorkRegistry } from '@ubom/core';
import { createPlugin } from '../dist/index.js';

const SERVER = fileURLToPath(new URL('../test/fixtures/server.mjs', import.meta.url));
const PROTOS = fileURLToPath(new URL('../test/fixtures/protos', import.meta.url));
const N = Number(process.env.BENCH_N ?? 3000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = 64;
const REQUEST = {
  message: 'hello',
  big_number: '1234567890123',
  mood: 'HAPPY',
  tags: ['a', 'b'],
  inner: { note: 'n' },
};

function startServer() {
  const child = spawn(process.execPath, [SERVER, '{}'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout.once('data', (chunk) => resolve({ child, port: JSON.parse(String(chunk)).port }));
  });
}

const { child, port } = await startServer();
const address = `127.0.0.1:${port}`;

// the baseline: what a user writes by hand with grpc-js
const definition = protoLoader.loadSync('demo/v1/echo.proto', {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTOS],
});
const Echo = grpc.loadPackageDefinition(definition).demo.v1.Echo;
const makeStatic = () => new Echo(address, grpc.credentials.createInsecure());
let staticClient = makeStatic();
const staticCall = (client = staticClient) =>
  new Promise((resolve, reject) =>
    client.Unary(REQUEST, (error, value) => (error ? reject(error) : resolve(value))),
  );

// the executor, through the registry
const makeExecutor = async () => {
  const plugin = createPlugin();
  await plugin.initialize({});
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('grpc', plugin);
  return { plugin, registry };
};
const work = {
  id: 'bench',
  type: 'grpc',
  executor_config: {
    endpoint: address,
    method: 'demo.v1.Echo/Unary',
    tls: { enabled: false },
    request: REQUEST,
  },
};
const executorCall = async (registry) => {
  const result = await registry.execute(work, {});
  if (!result.success) throw new Error(result.error);
  return result.outputs.response;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (ns) => ns / 1e6;

async function latencies(call, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return out;
}

/** Calls per second, `CONCURRENCY` at a time for `seconds`, and this process's CPU µs per call. */
async function throughput(call, seconds) {
  const cpu0 = process.cpuUsage();
  const stopAt = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < stopAt) {
      await call();
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { rate: done / ((performance.now() - t0) / 1000), cpuUs: (cpu.user + cpu.system) / done };
}

// same shape of answer from both (sanity)
const { registry, plugin } = await makeExecutor();

// the floor: the registry and the kernel around nothing but the static client's call (cancelled on abort)
const floor = defineExecutor({
  name: 'bench-floor',
  version: '0.0.0',
  type: 'floor',
  description: 'the static call inside the kernel',
  config: { type: 'object' },
  run: ({ signal }) =>
    new Promise((resolve, reject) => {
      const cancel = () => call.cancel();
      const call = staticClient.Unary(REQUEST, (error, value) => {
        signal.removeEventListener('abort', cancel);
        if (error) reject(error);
        else resolve({ outputs: { response: value } });
      });
      signal.addEventListener('abort', cancel, { once: true });
    }),
})();
registry.registerExecutor('floor', floor);
const floorCall = async () => {
  const result = await registry.execute({ id: 'bench', type: 'floor', executor_config: {} }, {});
  if (!result.success) throw new Error(result.error);
};
const a = await staticCall();
const b = await executorCall(registry);
if (a.message !== b.message || a.big_number !== b.big_number || a.mood !== b.mood)
  throw new Error(`answers differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);

// warm-up, then interleaved rounds
for (let i = 0; i < 3; i++) {
  await latencies(() => staticCall(), 500);
  await latencies(() => executorCall(registry), 500);
}
const rounds = [];
for (let i = 0; i < 3; i++) {
  const s = await latencies(() => staticCall(), N);
  const e = await latencies(() => executorCall(registry), N);
  rounds.push({ s50: median(s), e50: median(e), s99: percentile(s, 0.99), e99: percentile(e, 0.99) });
}
const s50 = median(rounds.map((r) => r.s50));
const e50 = median(rounds.map((r) => r.e50));
const s99 = median(rounds.map((r) => r.s99));
const e99 = median(rounds.map((r) => r.e99));

await throughput(() => staticCall(), 1);
await throughput(floorCall, 1);
await throughput(() => executorCall(registry), 1);
const tput = [];
for (let i = 0; i < 4; i++) {
  tput.push([
    await throughput(() => staticCall(), SECONDS),
    await throughput(floorCall, SECONDS),
    await throughput(() => executorCall(registry), SECONDS),
  ]);
}
const sT = median(tput.map(([s]) => s.rate));
const fT = median(tput.map(([, f]) => f.rate));
const eT = median(tput.map(([, , e]) => e.rate));
const cpuOf = (side) => median(tput.map((round) => round[side].cpuUs)).toFixed(0);

// first call on fresh clients in a warm process (a long-running worker): connection, plus
// reflection (or loading the .proto files) for the executor
const fileWork = {
  ...work,
  executor_config: { ...work.executor_config, proto_files: ['demo/v1/echo.proto'], include_dirs: [PROTOS] },
};
const firsts = { static: [], reflection: [], protoFiles: [], warm: [] };
for (let i = 0; i < 5; i++) {
  const fresh = makeStatic();
  let t = performance.now();
  await staticCall(fresh);
  firsts.static.push(performance.now() - t);
  fresh.close();
  for (const [name, w] of [
    ['reflection', work],
    ['protoFiles', fileWork],
  ]) {
    const { plugin: p, registry: r } = await makeExecutor();
    t = performance.now();
    const result = await r.execute(w, {});
    firsts[name].push(performance.now() - t);
    if (!result.success) throw new Error(result.error);
    if (name === 'reflection') {
      t = performance.now();
      await r.execute(w, {});
      firsts.warm.push(performance.now() - t);
    }
    await p.shutdown();
  }
}

await plugin.shutdown();
staticClient.close();
staticClient = undefined;
child.kill('SIGTERM');

const latencyRatio = e50 / s50;
const throughputRatio = eT / sT;
const row = (label, base, ours, unit, ratio, target) =>
  `  ${label.padEnd(34)} ${base.padStart(12)} ${ours.padStart(12)} ${unit.padEnd(8)} ${ratio.padStart(7)}  ${target}`;
console.log(
  'grpc: executor via EnhancedWorkRegistry vs hand-written static grpc-js client (same proto, same server)',
);
console.log(row('', 'static', 'executor', '', 'ratio', 'target'));
console.log(
  row(
    `unary p50 (median of 3×${N})`,
    ms(s50).toFixed(3),
    ms(e50).toFixed(3),
    'ms',
    `${latencyRatio.toFixed(2)}×`,
    `≤ 1.30× ${latencyRatio <= 1.3 ? 'ok' : 'MISSED'}`,
  ),
);
console.log(row('unary p99', ms(s99).toFixed(3), ms(e99).toFixed(3), 'ms', `${(e99 / s99).toFixed(2)}×`, ''));
console.log(
  row(
    `throughput, concurrency ${CONCURRENCY}`,
    sT.toFixed(0),
    eT.toFixed(0),
    'calls/s',
    `${throughputRatio.toFixed(2)}×`,
    `≥ 0.80× ${throughputRatio >= 0.8 ? 'ok' : 'MISSED'}`,
  ),
);
console.log(
  row(
    '  kernel floor (registry + bare)',
    sT.toFixed(0),
    fT.toFixed(0),
    'calls/s',
    `${(fT / sT).toFixed(2)}×`,
    '',
  ),
);
console.log(row('  CPU per call at that concurrency', cpuOf(0), cpuOf(2), 'µs', '', `floor ${cpuOf(1)} µs`));
const fs = median(firsts.static);
const fr = median(firsts.reflection);
const fp = median(firsts.protoFiles);
console.log(
  row(
    'first call, reflection (median of 5)',
    fs.toFixed(2),
    fr.toFixed(2),
    'ms',
    `${(fr / fs).toFixed(2)}×`,
    '',
  ),
);
console.log(
  row('first call, proto_files', fs.toFixed(2), fp.toFixed(2), 'ms', `${(fp / fs).toFixed(2)}×`, ''),
);
console.log(row('second call after reflection', '', median(firsts.warm).toFixed(2), 'ms', '', ''));
console.log(
  `  first-call reflection cost ≈ ${(fr - fs).toFixed(2)} ms (a fresh executor's first call − a fresh static client's, warm process)`,
);
process.exitCode = latencyRatio <= 1.3 && throughputRatio >= 0.8 ? 0 : 1;
