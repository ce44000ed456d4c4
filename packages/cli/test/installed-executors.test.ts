import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, type Finished, installCliCopy, runNode } from './helpers';

/*
 * The CLI finds executors that are installed next to it. This lays out a node_modules folder the way
 * `npm i @ubom/cli @ubom/executor-docker` would (the CLI's real dist, the real core and process
 * executor) plus a small stand-in `@ubom/executor-docker` package written with the real BasePlugin,
 * and one broken executor package. Each has the `ubom` manifest discovery reads.
 */
let root = '';
let cli = '';

const STAND_IN = `import { BasePlugin, MetricsClock, workResult } from '@ubom/core';
class StandIn extends BasePlugin {
  async execute(work, _context, options = {}) {
    const clock = new MetricsClock();
    options.onLog?.({ timestamp: new Date().toISOString(), level: 'info', source: 'stdout', message: 'pretending to run ' + work.executor_config.image });
    return workResult({ success: true, outputs: { image: work.executor_config.image }, metrics: clock.finish() });
  }
}
export function createPlugin() {
  return new StandIn(
    { name: 'stand-in-docker', version: '9.8.7', apiVersion: 1 },
    { name: 'docker', description: 'a stand-in docker executor', version: '9.8.7', capabilities: { cancel: false, streamLogs: true, dryRun: false } },
    { type: 'docker', version: '1.0.0', config: { type: 'object', properties: { image: { type: 'string' } }, required: ['image'], additionalProperties: false } },
  );
}
`;

function pkg(name: string, files: Record<string, string>): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ubom-installed-'));
  cli = installCliCopy(root);
  const manifest = (name: string, type: string) =>
    JSON.stringify({
      name,
      version: '9.8.7',
      type: 'module',
      exports: './index.js',
      ubom: { apiVersion: 1, workTypes: [type], entry: './index.js' },
    });
  pkg('@ubom/executor-docker', {
    'package.json': manifest('@ubom/executor-docker', 'docker'),
    'index.js': STAND_IN,
  });
  pkg('@ubom/executor-grpc', {
    'package.json': manifest('@ubom/executor-grpc', 'grpc'),
    'index.js': 'export const nothing = 1;\n',
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[], input?: string): Promise<Finished> =>
  runNode([cli, ...args], root, cleanEnv(), input);

describe('executors installed next to the CLI', () => {
  it('types lists an installed executor with its name and version, and a broken one with the reason', async () => {
    const { code, stdout } = await run(['types']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\ndocker\s+stand-in-docker\s+9\.8\.7\s+a stand-in docker executor\n/);
    expect(stdout).toMatch(/grpc: .*@ubom\/executor-grpc.*createPlugin/);
    expect(stdout).toContain('serverless: not installed — npm i @ubom/executor-serverless');
  });

  it('runs a docker work on the installed executor', async () => {
    const work = { id: 'd1', type: 'docker', executor_config: { image: 'busybox:1' } };
    const { code, stdout, stderr } = await run(['run', '-'], JSON.stringify(work));
    expect(code).toBe(0);
    expect(stderr).toBe('pretending to run busybox:1\n');
    expect(stdout).toContain('SUCCESS d1 (docker)');
    expect(stdout).toContain('  image: "busybox:1"');
  });

  it('validates against the installed executor schema', async () => {
    const work = { id: 'd2', type: 'docker', executor_config: { imag: 'busybox:1' } };
    const { code, stderr } = await run(['validate', '-'], JSON.stringify(work));
    expect(code).toBe(2);
    expect(stderr).toContain('  - executor_config.imag: unknown key — did you mean "image"?');
    // one problem per typo: the missing `image` is the near-miss `imag`, not a second problem
    expect(stderr).not.toContain('executor_config.image: is required');
  });

  it('a work for a broken executor package fails with exit 1 naming the package and why', async () => {
    const work = { id: 'g', type: 'grpc', executor_config: {} };
    const { code, stderr } = await run(['run', '-'], JSON.stringify(work));
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^\[ubom\] plugin "@ubom\/executor-grpc" failed in load: .*does not export createPlugin\(\)\n$/,
    );
  });
});

describe('where the CLI looks for executors', () => {
  it('finds executors installed beside the CLI when run from a folder that has none (a global install)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'ubom-elsewhere-'));
    try {
      const work = { id: 'd3', type: 'docker', executor_config: { image: 'busybox:2' } };
      const { code, stdout } = await runNode(
        [cli, 'run', '-', '--json'],
        elsewhere,
        cleanEnv(),
        JSON.stringify(work),
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout).outputs).toEqual({ image: 'busybox:2' });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('finds its embedded process executor in a pnpm layout, where only @ubom/cli is linked into the project', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ubom-pnpm-cli-'));
    try {
      const bin = installCliCopy(project, { layout: 'pnpm' });
      const work = {
        id: 'p1',
        type: 'process',
        executor_config: { command: [process.execPath, '-e', 'console.log(42)'] },
      };
      const { code, stdout } = await runNode(
        [bin, 'run', '-', '--json'],
        project,
        cleanEnv(),
        JSON.stringify(work),
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout).outputs.stdout).toBe('42\n');
      const listed = await runNode([bin, 'plugins', 'list', '--json'], project);
      const [plugin] = JSON.parse(listed.stdout).plugins;
      expect(plugin).toMatchObject({ name: '@ubom/executor-process', status: 'available' });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
