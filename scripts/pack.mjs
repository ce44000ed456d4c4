// Packs the public packages of the workspace the way they are published (`pnpm pack`: `workspace:`
// ranges rewritten, only `files` included). Shared by check-packages.mjs and the packaging test.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = new URL('..', import.meta.url).pathname;

/** The public (not private) packages under packages/, by folder name order. */
export function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .map((folder) => {
      const dir = join(root, 'packages', folder);
      try {
        return { dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
      } catch {
        return undefined;
      }
    })
    .filter((p) => p && !p.pkg.private);
}

/**
 * Packs each public package into `outDir` and resolves with `{ name, dir, pkg, tarball }` for each.
 * Packs a few at a time; each needs its `dist` built first.
 */
export async function packPackages(outDir, packages = publicPackages()) {
  const packed = [];
  const queue = [...packages];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', outDir], {
        cwd: next.dir,
      });
      const { filename } = JSON.parse(stdout);
      packed.push({ name: next.pkg.name, dir: next.dir, pkg: next.pkg, tarball: filename });
    }
  };
  await Promise.all([worker(), worker()]);
  return packed.sort((a, b) => a.name.localeCompare(b.name));
}
