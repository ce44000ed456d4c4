import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ownManifest from '../package.json';
import { CLI, PACKAGE_DIR, runCli, tempDir } from './support/cli';

/**
 * A stand-in package manager on PATH that records how it was called: the scaffolder is what is under
 * test here, not the package manager (the end-to-end test runs a real `npm install`).
 */
function stubPackageManager(name: string, exitCode: number): { bin: string; log: string } {
  const bin = tempDir('stub-pm-');
  const log = join(bin, 'calls.log');
  const script = join(bin, name);
  // and the registry it was pointed at, when one was (npm, pnpm and bun read the first, yarn 2+ the second)
  const lines = [
    '#!/bin/sh',
    'line="$(pwd) $*"',
    'if [ -n "$npm_config_registry" ]; then line="$line registry=$npm_config_registry yarn=$YARN_NPM_REGISTRY_SERVER"; fi',
    `echo "$line" >> "${log}"`,
    `exit ${exitCode}`,
  ];
  writeFileSync(script, `${lines.join('\n')}\n`);
  chmodSync(script, 0o755);
  return { bin, log };
}

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('package manager, install and git', () => {
  it.each([
    ['pnpm/10.34.9 npm/? node/v20.20.2 linux x64', 'pnpm install', 'pnpm test'],
    ['yarn/4.9.0 npm/? node/v20.20.2 linux x64', 'yarn install', 'yarn test'],
    ['bun/1.2.0 npm/? node/v20.20.2 linux x64', 'bun install', 'bun test'],
    ['npm/11.6.0 node/v20.20.2 linux x64 workspaces/false', 'npm install', 'npm run test'],
    ['somethingelse/1.0', 'npm install', 'npm run test'],
  ])('reads the package manager from npm_config_user_agent %j', (agent, install, test) => {
    const cwd = tempDir();
    const run = runCli(['greet', '--no-install', '--no-git'], { cwd, env: { npm_config_user_agent: agent } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`  ${install}\n`);
    expect(run.stdout).toContain(`  ${test} `);
  });

  it('--package-manager wins over the user agent', () => {
    const cwd = tempDir();
    const run = runCli(['greet', '--no-install', '--no-git', '--package-manager', 'yarn'], {
      cwd,
      env: { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.2' },
    });
    expect(run.stdout).toContain('  yarn install\n');
  });

  it('runs `<package manager> install` in the new folder by default', () => {
    const cwd = tempDir();
    const { bin, log } = stubPackageManager('pnpm', 0);
    const run = runCli(['greet', '--no-git'], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH}`, npm_config_user_agent: 'pnpm/10.34.9' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`${join(cwd, 'ubom-plugin-greet')} install\n`);
    expect(run.stdout).toContain('Installing dependencies with pnpm');
    expect(run.stdout).not.toContain('  pnpm install\n');
  });

  it('a failed install names the registry it asked and why, and keeps the files', async () => {
    // a real npm install against a registry that is not there: a loopback port nobody listens on
    const cwd = tempDir();
    const registry = `http://127.0.0.1:${await closedPort()}/`;
    const run = runCli(['greet', '--no-git', '--install', '--package-manager', 'npm'], {
      cwd,
      env: { npm_config_registry: registry, npm_config_fetch_retries: '0' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`Installing dependencies with npm from ${registry}`);
    expect(run.stderr).toContain(
      `npm install failed in ${join(cwd, 'ubom-plugin-greet')}: the registry ${registry} did not answer (connect ECONNREFUSED`,
    );
    expect(run.stderr).toContain('then run npm install in that folder');
    expect(run.stderr).not.toContain('run it again');
    expect(existsSync(join(cwd, 'ubom-plugin-greet', 'package.json'))).toBe(true);
  });

  it('--registry reaches the install and wins over npm_config_registry', () => {
    const cwd = tempDir();
    const { bin, log } = stubPackageManager('pnpm', 0);
    const run = runCli(['greet', '--no-git', '--registry', 'http://127.0.0.1:4873'], {
      cwd,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        npm_config_user_agent: 'pnpm/10.34.9',
        npm_config_registry: 'https://elsewhere.example/',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Installing dependencies with pnpm from http://127.0.0.1:4873/');
    expect(readFileSync(log, 'utf8')).toBe(
      `${join(cwd, 'ubom-plugin-greet')} install registry=http://127.0.0.1:4873/ yarn=http://127.0.0.1:4873/\n`,
    );
  });

  it('honours npm_config_registry, as `npm create … --registry` sets it', () => {
    const cwd = tempDir();
    const { bin, log } = stubPackageManager('npm', 0);
    const run = runCli(['greet', '--no-git'], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH}`, npm_config_registry: 'https://npm.example.com/mirror' },
    });
    expect(run.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(' install registry=https://npm.example.com/mirror/ ');
  });

  it('without an install, the next steps repeat --registry', () => {
    const run = runCli(['greet', '--no-git', '--no-install', '--registry', 'http://127.0.0.1:4873/'], {
      cwd: tempDir(),
    });
    expect(run.stdout).toContain('  npm install --registry http://127.0.0.1:4873/\n');
  });

  it('initialises a git repository, unless told not to or already inside one', () => {
    const cwd = tempDir();
    const git = runCli(['greet', '--no-install'], { cwd });
    expect(git.stdout).toContain('Initialised a git repository');
    expect(existsSync(join(cwd, 'ubom-plugin-greet', '.git'))).toBe(true);

    const nested = runCli(['inner', '--no-install', '--dir', 'ubom-plugin-greet/plugins/inner'], { cwd });
    expect(nested.stdout).toContain('Already inside a git repository: skipped git init');
    expect(existsSync(join(cwd, 'ubom-plugin-greet', 'plugins', 'inner', '.git'))).toBe(false);

    const none = runCli(['other', '--no-install', '--no-git'], { cwd });
    expect(none.stdout).not.toContain('git');
    expect(existsSync(join(cwd, 'ubom-plugin-other', '.git'))).toBe(false);
  });
});

describe('the bin', () => {
  it('prints help and version', () => {
    const cwd = tempDir();
    const help = runCli(['--help'], { cwd });
    expect(help.status).toBe(0);
    for (const flag of ['--name', '--scope', '--work-type', '--description', '--author', '--dir']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('--no-interactive');
    expect(runCli(['-v'], { cwd }).stdout).toBe(`${ownManifest.version}\n`);
  });

  it('is one self-contained file: it imports only node built-ins, the package has no dependencies', () => {
    const source = readFileSync(CLI, 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)import [^'"]*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    const builtins = new Set(
      spawnSync(process.execPath, ['-p', 'require("module").builtinModules.join(",")'], { encoding: 'utf8' })
        .stdout.trim()
        .split(','),
    );
    for (const specifier of specifiers)
      expect(builtins.has(String(specifier).replace(/^node:/, ''))).toBe(true);
    expect(source).not.toMatch(/\brequire\(/);
    expect('dependencies' in ownManifest).toBe(false);
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(existsSync(join(PACKAGE_DIR, 'template-typescript', '_gitignore'))).toBe(true);
  });
});
