import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const HELLO = fileURLToPath(new URL('../../../examples/hello/work.json', import.meta.url));

/** An environment without colour switches, so output is plain unless a test asks otherwise. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS']) delete env[key];
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `node dist/cli.js …`, with its output so far and a way to wait for a line. */
export class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly done: Promise<Finished>;
  readonly #waiters: Array<() => void> = [];

  constructor(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      env: options.env ?? cleanEnv(),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => this.#got('stdout', s));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => this.#got('stderr', s));
    this.child.stdin?.end(options.input);
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
    });
  }

  /** Resolves once `stream` contains `pattern`; rejects if the CLI exits first. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this[stream].match(pattern);
      if (match) return match;
      const exited = await Promise.race([
        new Promise<false>((resolve) => this.#waiters.push(() => resolve(false))),
        this.done.then(() => true),
      ]);
      if (exited && !this[stream].match(pattern)) {
        throw new Error(
          `the CLI exited before ${stream} matched ${pattern}:\n${this.stdout}\n${this.stderr}`,
        );
      }
    }
  }

  #got(stream: 'stdout' | 'stderr', text: string): void {
    this[stream] += text;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** Runs the CLI to the end. */
export function ubom(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new CliRun(args, options).done;
}

/** A temporary folder for work files, removed after the test file. */
export function workDir(): { dir: string; write: (name: string, content: unknown) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'ubom-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/** A process work running `node -e script`. */
export function nodeWork(
  script: string,
  config: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'test-work',
    type: 'process',
    ...extra,
    executor_config: { command: [process.execPath, '-e', script], ...config },
  };
}

/** True while `pid` is a live (not zombie) process. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Installs a copy of the built CLI into `<root>/node_modules/@ubom/cli` the way npm lays it out (its
 * real dist, its dependencies linked beside it: the real core, commander, optionally the process
 * executor), or the way pnpm does (the package and its dependencies in
 * `node_modules/.pnpm/@ubom+cli@<version>/node_modules`, only `@ubom/cli` linked into the project).
 * Returns the path of `dist/cli.js` as the project sees it.
 */
export function installCliCopy(
  root: string,
  options: { withProcessExecutor?: boolean; layout?: 'npm' | 'pnpm' } = {},
): string {
  const modules =
    options.layout === 'pnpm'
      ? join(root, 'node_modules', '.pnpm', '@ubom+cli@0.1.0', 'node_modules')
      : join(root, 'node_modules');
  const installed = join(modules, '@ubom', 'cli');
  mkdirSync(installed, { recursive: true });
  cpSync(join(CLI_DIR, 'dist'), join(installed, 'dist'), { recursive: true });
  cpSync(join(CLI_DIR, 'package.json'), join(installed, 'package.json'));
  const deps = ['@ubom/core', 'commander'];
  if (options.withProcessExecutor !== false) deps.push('@ubom/executor-process');
  for (const name of deps) {
    const target = join(modules, name);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(join(CLI_DIR, 'node_modules', name)), target);
  }
  if (options.layout !== 'pnpm') return join(installed, 'dist', 'cli.js');
  const link = join(root, 'node_modules', '@ubom', 'cli');
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(installed, link);
  return join(link, 'dist', 'cli.js');
}

/** Runs `node …args` in `cwd` to the end. */
export function runNode(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
  input?: string,
): Promise<Finished> {
  const child = spawn(process.execPath, args, { env, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** The folder of the workspace package serving a built-in type (`--plugin <folder>` loads it). */
export function builtinPackage(type: string): string {
  return fileURLToPath(new URL(`../../executor-${type}`, import.meta.url));
}
