#!/usr/bin/env node
// Packs every public package the way it would be published (pnpm pack) and checks the tarball with
// publint and @arethetypeswrong/cli, so what we test is what users install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'ubom-pack-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;

for (const dir of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const before = new Set(readdirSync(out));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: pkgDir, stdio: 'ignore' });
  const tarball = join(
    out,
    readdirSync(out).find((f) => !before.has(f)),
  );
  for (const [tool, args] of [
    ['publint', ['run', tarball, '--strict']],
    [
      'attw',
      [tarball, '--format', 'table-flipped', ...(pkg.bin && !pkg.exports ? ['--entrypoints', '.'] : [])],
    ],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd: pkgDir, stdio: 'pipe' });
      console.log(`ok    ${tool.padEnd(8)} ${pkg.name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL  ${tool.padEnd(8)} ${pkg.name}\n${error.stdout}${error.stderr}`);
    }
  }
}
rmSync(out, { recursive: true, force: true });
if (failed) {
  console.log(`${failed} package check(s) failed`);
  process.exit(1);
}
