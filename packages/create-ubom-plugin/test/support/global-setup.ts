import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Newest modification time among the files the bundle is built from. */
function newestSource(): number {
  const files = readdirSync(join(root, 'src')).map((f) => join(root, 'src', f));
  files.push(join(root, 'package.json'), join(root, 'tsup.config.ts'));
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** The tests run the real bundled bin (dist/cli.js): build it when it is missing or older than src. */
export default function setup(): void {
  const cli = join(root, 'dist', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestSource()) return;
  execFileSync('pnpm', ['exec', 'tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}
