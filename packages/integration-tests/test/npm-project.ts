import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file args` in `cwd` to the end, with `input` on stdin. */
export function exec(file: string, args: string[], cwd: string, input = ''): Promise<Finished> {
  const child = spawn(file, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh npm project in `dir` (no workspace, no lockfile), as a user would start one. */
export class NpmProject {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true }));
  }

  /** `npm install` of the given tarballs (or names), from the registry for everything else. */
  async install(specs: string[]): Promise<void> {
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs],
      {
        cwd: this.dir,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  }

  /** `node -e` (CommonJS) or `node --input-type=module -e` in the project. */
  node(script: string, options: { esm?: boolean } = {}): Promise<Finished> {
    return exec(process.execPath, [...(options.esm ? ['--input-type=module'] : []), '-e', script], this.dir);
  }

  /** Runs an installed bin (the `node_modules/.bin` link itself: shebang and exec bit included). */
  bin(name: string, args: string[], input?: string): Promise<Finished> {
    return exec(join(this.dir, 'node_modules', '.bin', name), args, this.dir, input);
  }

  /** Every package name installed anywhere in the tree (hoisted or nested), with its version. */
  installed(): Map<string, string> {
    const found = new Map<string, string>();
    const walk = (modules: string): void => {
      if (!existsSync(modules)) return;
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const dirs = entry.startsWith('@')
          ? readdirSync(join(modules, entry)).map((sub) => join(modules, entry, sub))
          : [join(modules, entry)];
        for (const dir of dirs) {
          try {
            const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
              name: string;
              version: string;
            };
            found.set(pkg.name, pkg.version);
          } catch {
            continue;
          }
          walk(join(dir, 'node_modules'));
        }
      }
    };
    walk(join(this.dir, 'node_modules'));
    return found;
  }
}
