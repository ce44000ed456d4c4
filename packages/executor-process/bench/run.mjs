// Benchmark: the process executor (through EnhancedWorkRegistry) against a bare child_process.spawn of
// the same command. Run against the built dist: `pnpm --filter @ubom/executor-process build && pnpm bench`.
//   1. median latency per work, one at a time;
//   2. throughput at 64 works in flight (DESIGN: ≥ 0.8× the bare spawn's), rounds alternated so both
//      sides see the same machine. BENCH_WORKS sets the works per round (default 1000), BENCH_ROUNDS the
//      rounds per side (default 3). This process's CPU time per work is printed
//      beside the rates: on a busy machine it is the steadier figure.
import { spawn } from 'node:child_process';
import { EnhancedWorkRegistry } from '@ubom/core';
import { createPlugin } from '../dist/index.js';

const registry = new EnhancedWorkRegistry();
registry.registerExecutor('process', createPlugin());

const BIG =
  'const l="x".repeat(58); let s=""; for (let i=0;i<80000;i++) s += String(i).padStart(5,"0")+l+"\\n"; process.stdout.write(s)';
const cases = [
  { name: 'spawn `true`', argv: ['true'], runs: 200 },
  { name: 'echo 3 lines', argv: ['sh', '-c', 'echo a; echo b >&2; echo c'], runs: 200 },
  { name: '5 MB of stdout (80k lines)', argv: ['node', '-e', BIG], runs: 10 },
];
const IN_FLIGHT = 64;
const WORKS = Number(process.env.BENCH_WORKS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function bare(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    child.stdout.on('data', (c) => (bytes += c.length));
    child.stderr.on('data', (c) => (bytes += c.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`exit ${code}`))));
  });
}

async function viaRegistry(argv) {
  let lines = 0;
  const result = await registry.execute(
    { id: 'bench', type: 'process', executor_config: { command: argv } },
    {},
    { onLog: () => lines++ },
  );
  if (!result.success) throw new Error(result.error);
  return lines;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn, runs) {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(); // warm up
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/**
 * Works per second running `one` `works` times, `concurrency` at a time, and this process's CPU time per
 * work in µs (user + system: the spawns' own fork/exec cost included), steadier than the rate on a busy
 * machine.
 */
async function throughput(one, works, concurrency) {
  const cpu0 = process.cpuUsage();
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
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: (works / elapsed) * 1000, cpuUs: (cpu.user + cpu.system) / works };
}

const rows = [];
for (const c of cases) {
  const base = await time(() => bare(c.argv), c.runs);
  const ours = await time(() => viaRegistry(c.argv), c.runs);
  rows.push({
    case: c.name,
    'bare spawn (ms)': base.toFixed(2),
    'registry + executor (ms)': ours.toFixed(2),
    ratio: (ours / base).toFixed(2),
    'overhead (ms)': (ours - base).toFixed(2),
  });
}
console.log('@ubom/executor-process — median per work, same machine, one run');
console.table(rows);

const argv = ['echo', 'hello'];
await throughput(() => bare(argv), 200, IN_FLIGHT); // warm up both sides
await throughput(() => viaRegistry(argv), 200, IN_FLIGHT);
const rates = { bare: [], ours: [] };
for (let round = 0; round < ROUNDS; round++) {
  rates.bare.push(await throughput(() => bare(argv), WORKS, IN_FLIGHT));
  rates.ours.push(await throughput(() => viaRegistry(argv), WORKS, IN_FLIGHT));
}
const bareRate = median(rates.bare.map((r) => r.rate));
const ourRate = median(rates.ours.map((r) => r.rate));
const bareCpu = median(rates.bare.map((r) => r.cpuUs));
const ourCpu = median(rates.ours.map((r) => r.cpuUs));
console.log(
  `\nthroughput of \`echo hello\`, ${IN_FLIGHT} in flight, ${WORKS} works × ${ROUNDS} rounds (median round)`,
);
console.log(
  `rounds, works/s: bare ${rates.bare.map((r) => r.rate.toFixed(0)).join(' ')}; executor ${rates.ours.map((r) => r.rate.toFixed(0)).join(' ')}`,
);
console.table([
  {
    'bare spawn (works/s)': bareRate.toFixed(0),
    'registry + executor (works/s)': ourRate.toFixed(0),
    ratio: (ourRate / bareRate).toFixed(2),
    'bare CPU (µs/work)': bareCpu.toFixed(0),
    'executor CPU (µs/work)': ourCpu.toFixed(0),
    'CPU ratio': (ourCpu / bareCpu).toFixed(2),
  },
]);
