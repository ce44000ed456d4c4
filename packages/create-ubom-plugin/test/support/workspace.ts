import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGES_DIR = fileURLToPath(new URL('../../..', import.meta.url));

/** Newest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    }),
  );
}

/** Builds a workspace package unless its `dist` is already newer than its `src` and package.json. */
export function ensureBuilt(folder: string): void {
  const dir = join(PACKAGES_DIR, folder);
  const built = join(dir, 'dist', 'index.js');
  const sources = Math.max(newest(join(dir, 'src')), statSync(join(dir, 'package.json')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync('pnpm', ['run', 'build'], { cwd: dir, stdio: 'pipe' });
}

/** `pnpm pack`s a workspace package (workspace: ranges rewritten, as published); returns the tarball. */
export function pack(folder: string, destination: string): string {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: join(PACKAGES_DIR, folder),
    encoding: 'utf8',
  });
  const tarball = out.trim().split('\n').pop() ?? '';
  if (!tarball.endsWith('.tgz') || !existsSync(tarball))
    throw new Error(`pnpm pack printed no tarball:\n${out}`);
  return tarball;
}
