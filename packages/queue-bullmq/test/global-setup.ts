import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const root = join(pkg, '..', '..');

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * A real Redis (scripts/setup-redis.sh installs and starts one when none answers), and a built `dist`
 * for the worker processes the tests spawn (they run plain node, not TypeScript): rebuilt when stale.
 */
export default function setup(): void {
  execFileSync('bash', [join(root, 'scripts', 'setup-redis.sh')], { stdio: 'inherit' });
  for (const dep of ['core', 'executor-process']) {
    const dist = join(root, 'packages', dep, 'dist', 'index.js');
    if (!existsSync(dist))
      throw new Error(`${dist} is missing: run \`pnpm --filter @ubom/${dep} build\` first`);
  }
  const dist = join(pkg, 'dist', 'index.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestIn(join(pkg, 'src'))) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg, stdio: 'ignore' });
  }
}
