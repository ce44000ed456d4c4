import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The owner tests run the executor in another node process (test/fixtures/owner.mjs), which loads the
 * built `dist`: rebuilt here when older than `src`.
 */
export default function setup(): void {
  const dist = join(pkg, 'dist', 'index.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestIn(join(pkg, 'src'))) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg, stdio: 'ignore' });
  }
}
