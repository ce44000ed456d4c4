// Benchmark: `ubom plugins list` with 30 installed plugins, cold (a new `node dist/cli.js` process each
// time), median wall time against the target of 300 ms, beside two baselines measured in the same run:
// a bare `node -e 0` and `ubom --version` (node + the CLI's own imports, no discovery). Also proves no
// plugin code is imported: every stand-in plugin module writes a marker file when imported (and then
// throws). Half the plugins are laid out the npm way, half the pnpm way (symlinks into .pnpm).
// Run against the built dist: `pnpm --filter @ubom/cli build && pnpm --filter @ubom/cli bench`.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const PLUGINS = 30;
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const TARGET_MS = 300;

const root = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-bench-plugins-')));
const markers = join(root, '.markers');
mkdirSync(markers);

const MODULE = `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(markers)} + '/' + encodeURIComponent(import.meta.url), '');
throw new Error('plugin code was imported');
`;

function writePlugin(dir, name, type) {
  mkdirSync(dir, { recursive: true });
  const ubom = { apiVersion: 1, workTypes: [type], entry: './index.js' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', ubom }));
  writeFileSync(join(dir, 'index.js'), MODULE);
}

for (let i = 0; i < PLUGINS; i++) {
  const scoped = i % 3 === 0;
  const name = scoped ? `@bench/ubom-plugin-p${i}` : `ubom-plugin-p${i}`;
  const link = join(root, 'node_modules', name);
  if (i % 2 === 0) {
    writePlugin(link, name, `type${i}`);
  } else {
    const store = join(
      root,
      'node_modules',
      '.pnpm',
      `${name.replace('/', '+')}@1.0.0`,
      'node_modules',
      name,
    );
    writePlugin(store, name, `type${i}`);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(store, link);
  }
}
// a few packages that are not plugins, as a real node_modules has
for (const name of ['left-pad', 'lodash', '@types/node', 'zod']) {
  mkdirSync(join(root, 'node_modules', name), { recursive: true });
  writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const spawnNode = (args) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/**
 * Runs the cases round-robin (one of each per round), so a burst of load from elsewhere on the machine
 * hits every case alike; the median per case is reported.
 */
function timeAll(cases) {
  for (const args of Object.values(cases)) spawnNode(args); // warm the file-system cache, not the process
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const last = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(cases)) {
      const t0 = performance.now();
      const run = spawnNode(args);
      samples[name].push(performance.now() - t0);
      if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
      last[name] = run.stdout;
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [k, { ms: median(xs), min: Math.min(...xs), out: last[k] }]),
  );
}

let node, version, list, json, listed, imported;
try {
  ({ node, version, list, json } = timeAll({
    node: ['-e', '0'],
    version: [CLI, '--version'],
    list: [CLI, 'plugins', 'list'],
    json: [CLI, 'plugins', 'list', '--json'],
  }));
  listed = JSON.parse(json.out).plugins;
  imported = readdirSync(markers).length;
} finally {
  rmSync(root, { recursive: true, force: true });
}

const row = (what, t) => ({ what, 'median (ms)': t.ms.toFixed(1), 'min (ms)': t.min.toFixed(1) });
console.log(
  `\n@ubom/cli — \`ubom plugins list\` with ${PLUGINS} installed plugins, cold process, median of ${RUNS}`,
);
console.table([
  row('node -e 0 (baseline)', node),
  row('ubom --version (baseline: CLI start)', version),
  row(`ubom plugins list (${PLUGINS} plugins)`, list),
  row(`ubom plugins list --json (${PLUGINS} plugins)`, json),
]);
const available = listed.filter((p) => p.status === 'available').length;
console.log(
  `plugins list: ${list.ms.toFixed(0)} ms (target ≤ ${TARGET_MS} ms: ${list.ms <= TARGET_MS ? 'met' : 'MISSED'}); ` +
    `${(list.ms / node.ms).toFixed(2)}× bare node, +${(list.ms - version.ms).toFixed(0)} ms over ubom --version; ` +
    `listed ${listed.length} plugins (${available} available); plugin modules imported: ${imported}`,
);
if (listed.length < PLUGINS || imported > 0) process.exitCode = 1;
