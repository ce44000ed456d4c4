#!/usr/bin/env node
// Packs every public package the way it would be published (pnpm pack) and checks the tarball with
// publint and @arethetypeswrong/cli, so what we test is what users install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackages, root } from './pack.mjs';

const out = mkdtempSync(join(tmpdir(), 'ubom-pack-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;

try {
  for (const { name, dir, pkg, tarball } of await packPackages(out)) {
    for (const [tool, args] of [
      ['publint', ['run', tarball, '--strict']],
      [
        'attw',
        [
          tarball,
          '--format',
          'table-flipped',
          ...(pkg.bin && !pkg.exports ? ['--entrypoints', '.'] : []),
          // a package without a `require` condition is ESM only on purpose (@ubom/testkit: vitest is)
          ...(pkg.exports && !JSON.stringify(pkg.exports).includes('"require"')
            ? ['--profile', 'esm-only']
            : []),
        ],
      ],
    ]) {
      try {
        execFileSync(bin(tool), args, { cwd: dir, stdio: 'pipe' });
        console.log(`ok    ${tool.padEnd(8)} ${name}`);
      } catch (error) {
        failed++;
        console.log(`FAIL  ${tool.padEnd(8)} ${name}\n${error.stdout}${error.stderr}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed) {
  console.log(`${failed} package check(s) failed`);
  process.exit(1);
}
