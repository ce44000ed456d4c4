// Benchmark: the process executor (through EnhancedWorkRegistry) against a bare child_process.spawn of
// the same command. Run against the built dist: `pnpm --filter @ubom/executor-process build && pnpm bench`.
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
