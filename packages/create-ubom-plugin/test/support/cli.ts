import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(PACKAGE_DIR, 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built bin as `npm create` would, without a terminal (so non-interactive by default).
 * The environment is the test's own minus `npm_config_user_agent` (pnpm sets it when it runs the
 * tests) and the registry variables (a test that wants one sets it), plus `env`.
 */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): CliRun {
  const {
    npm_config_user_agent: _ua,
    npm_config_registry: _registry,
    NPM_CONFIG_REGISTRY: _REGISTRY,
    ...inherited
  } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'create-ubom-plugin-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
