// Benchmark of @ubom/executor-docker against its baselines, side by side in one run, on the real engine.
// Run against the built dist: `pnpm --filter @ubom/executor-docker build && pnpm --filter @ubom/executor-docker bench`
// (needs the engine and the test image: scripts/setup-docker.sh).
//   1. latency of a work running `true`: executor (through EnhancedWorkRegistry) vs `docker run --rm` CLI
//   2. the same vs the minimal raw dockerode create/start/wait/remove
//   3. throughput of 4 concurrent works vs one at a time (raw dockerode alongside: the engine's ceiling)
//   4. heap growth while a container prints 200 MB
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { EnhancedWorkRegistry } from '@ubom/core';
import Docker from 'dockerode';
import { createPlugin } from '../dist/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc (the package script does)');
  process.exit(1);
}
const IMAGE = process.env.UBOM_TEST_IMAGE ?? 'ubom-test/busybox:latest';
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const docker = new Docker();
const plugin = createPlugin();
await plugin.initialize({ sweep_orphans: false });
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('docker', plugin);

let n = 0;
async function viaExecutor(command = ['true'], onLog, extra = {}) {
  const result = await registry.execute(
    { id: `bench-${++n}`, type: 'docker', executor_config: { image: IMAGE, command, ...extra } },
    {},
    onLog ? { onLog } : {},
  );
  if (!result.success) throw new Error(result.error);
  return result;
}

const cli = (() => {
  for (const bin of ['docker', '/usr/bin/docker']) {
    try {
      execFileSync(bin, ['info'], { stdio: 'ignore' });
      return bin;
    } catch {}
  }
  throw new Error('no docker CLI talks to the engine');
})();
const cliVersion = execFileSync(cli, ['version', '--format', '{{.Client.Version}}']).toString().trim();
const viaCli = (flags = []) =>
  new Promise((resolve, reject) =>
    execFile(cli, ['run', '--rm', ...flags, IMAGE, 'true'], (error) => (error ? reject(error) : resolve())),
  );

async function viaDockerode(host = {}) {
  const container = await docker.createContainer({ Image: IMAGE, Cmd: ['true'], HostConfig: host });
  await container.start();
  await container.wait();
  await container.remove();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

/** Fisher–Yates, so no way always follows the same other one (the engine finishes some work late). */
function shuffled(items) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Medians of several ways to do the same thing, sampled in turn, in a new random order each round. */
async function interleaved(fns, runs) {
  for (const fn of Object.values(fns)) for (let i = 0; i < 3; i++) await fn(); // warm up
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of shuffled(Object.entries(fns))) {
      const t0 = performance.now();
      await fn();
      samples[name].push(performance.now() - t0);
      // the executor removes a finished container just after the result: that removal is not charged
      // to the work, and must not be charged to the next sample either
      await plugin.state.idle();
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** Busy CPU time of the whole machine so far, in ms (Linux), or undefined. */
function busyMs() {
  if (!existsSync('/proc/stat')) return undefined;
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ is 100 on Linux
}

/** Works per second running `one` `works` times, `concurrency` at a time, and machine CPU ms per work. */
async function throughput(one, works, concurrency) {
  const cpu0 = busyMs();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < works) {
        next++;
        await one();
      }
    }),
  );
  await plugin.state.idle(); // every container gone: background removals count in the throughput
  const elapsed = performance.now() - t0;
  return {
    rate: (works / elapsed) * 1000,
    cpuMs: cpu0 === undefined ? undefined : (busyMs() - cpu0) / works,
  };
}

/** Throughput 4 at a time against one at a time (after a warm-up). */
async function speedup(one, works) {
  await throughput(one, 4, 4);
  const seq = await throughput(one, works, 1);
  const conc = await throughput(one, works, 4);
  // the machine's CPU bounds 4-at-a-time throughput: engine, shims, runc and this process together
  const ceiling = conc.cpuMs === undefined ? undefined : (availableParallelism() * 1000) / conc.cpuMs;
  return { seq: seq.rate, conc: conc.rate, ratio: conc.rate / seq.rate, cpuMs: conc.cpuMs, ceiling };
}

async function heapGrowth(bytes) {
  globalThis.gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  let lines = 0;
  const line = '1234567890'.repeat(10).slice(0, 99);
  const result = await viaExecutor(['sh', '-c', `yes ${line} | head -c ${bytes}`], () => lines++);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  globalThis.gc();
  return { peak: peak - base, retained: process.memoryUsage().heapUsed - base, lines, result };
}

console.log(
  `@ubom/executor-docker bench — engine ${(await docker.version()).Version}, CLI ${cli} ${cliVersion}, ${RUNS} runs each`,
);
const lat = await interleaved(
  {
    executor: () => viaExecutor(),
    cli: () => viaCli(),
    dockerode: () => viaDockerode(),
    executorNoNet: () => viaExecutor(['true'], undefined, { network: 'none' }),
    cliNoNet: () => viaCli(['--network', 'none']),
  },
  RUNS,
);
const WORKS = Number(process.env.BENCH_WORKS ?? 16);
const bridged = await speedup(() => viaExecutor(), WORKS);
const isolated = await speedup(() => viaExecutor(['true'], undefined, { network: 'none' }), WORKS);
const rawBridged = await speedup(() => viaDockerode(), WORKS);
const rawIsolated = await speedup(() => viaDockerode({ NetworkMode: 'none' }), WORKS);
const heap = await heapGrowth(200 * 1024 * 1024);

const rows = [
  {
    measure: 'median latency, `true`: executor vs `docker run --rm`',
    ours: ms(lat.executor),
    baseline: ms(lat.cli),
    ratio: `${(lat.executor / lat.cli).toFixed(2)}×`,
    target: '≤ 0.85×',
  },
  {
    measure: '  same, network none on both sides',
    ours: ms(lat.executorNoNet),
    baseline: ms(lat.cliNoNet),
    ratio: `${(lat.executorNoNet / lat.cliNoNet).toFixed(2)}×`,
    target: '≤ 0.85×',
  },
  {
    measure: 'median latency, `true`: executor vs raw dockerode',
    ours: ms(lat.executor),
    baseline: ms(lat.dockerode),
    ratio: `${(lat.executor / lat.dockerode).toFixed(2)}×`,
    target: '≤ 1.10×',
  },
  {
    measure: `throughput, ${WORKS} works: 4 concurrent vs sequential (network: none)`,
    ours: `${isolated.conc.toFixed(2)} works/s`,
    baseline: `${isolated.seq.toFixed(2)} works/s`,
    ratio: `${isolated.ratio.toFixed(2)}×`,
    target: `≥ 1.8× (engine: ${rawIsolated.ratio.toFixed(2)}×)`,
  },
  {
    measure: `  same, default bridge network`,
    ours: `${bridged.conc.toFixed(2)} works/s`,
    baseline: `${bridged.seq.toFixed(2)} works/s`,
    ratio: `${bridged.ratio.toFixed(2)}×`,
    target: `engine: ${rawBridged.ratio.toFixed(2)}×`,
  },
  {
    measure: 'heap growth while a container prints 200 MB',
    ours: `${(heap.peak / 1024 / 1024).toFixed(1)} MB peak`,
    baseline: `${(heap.retained / 1024 / 1024).toFixed(1)} MB retained`,
    ratio: `${heap.lines} lines`,
    target: '≤ 32 MB',
  },
];
console.table(rows);
console.log(
  `engine ceiling: raw dockerode does ${rawIsolated.conc.toFixed(2)} vs ${rawIsolated.seq.toFixed(2)} works/s with network none, ` +
    `${rawBridged.conc.toFixed(2)} vs ${rawBridged.seq.toFixed(2)} works/s on the bridge network ` +
    '(the engine sets up bridge networking one container at a time)',
);
for (const [name, r, raw] of [
  ['network none', isolated, rawIsolated],
  ['bridge network', bridged, rawBridged],
]) {
  if (r.ceiling === undefined) continue;
  console.log(
    `CPU-bound ceiling, ${name}: ${r.cpuMs.toFixed(0)} ms of machine CPU per work (raw dockerode: ${raw.cpuMs.toFixed(0)} ms) on ${availableParallelism()} cores ` +
      `→ at most ${r.ceiling.toFixed(2)} works/s; 4 concurrent works reach ${((r.conc / r.ceiling) * 100).toFixed(0)}% ` +
      `of it; a 1.8× ratio would need sequential works slower than ${((1.8 / r.ceiling) * 1000).toFixed(0)} ms each`,
  );
}
await plugin.shutdown();
