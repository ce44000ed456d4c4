import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the docker tests' fake registry (its module declares the vitest context key its helpers read)
import type {} from '../../executor-docker/test/global-setup';
import { type FakeRegistry, startRegistry } from '../../executor-docker/test/support/registry';
import { cleanEnv, ubom } from './helpers';

/*
 * The docker executor's host bind mount policy through the real CLI bin and ubom.config.json (issue 13,
 * "Done when", docker part): the plugin section's allowed_host_paths reaches the executor's initialize,
 * a refused mount exits 2 with its path, a typo in the section exits 2 with a hint and runs nothing.
 * Needs a Docker Engine with the offline test image: CI starts it; scripts/setup-docker.sh (idempotent)
 * is run here when the engine or the image is missing.
 */

const IMAGE = 'ubom-test/busybox:latest';
const DOCKER = fileURLToPath(new URL('../../executor-docker', import.meta.url));
const SETUP = fileURLToPath(new URL('../../../scripts/setup-docker.sh', import.meta.url));

let project: string; // the temp project: ubom.config.json and the work files
let shared: string; // the host folder the config allows
const runId = `${process.pid}-${Date.now()}`;

const write = (name: string, content: unknown): string => {
  const path = join(project, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
};
const config = (section: Record<string, unknown>) =>
  write('ubom.config.json', { plugins: { '@ubom/executor-docker': section } });
const dockerWork = (id: string, executor_config: Record<string, unknown>) => ({
  id,
  type: 'docker',
  timeout: '120s',
  executor_config: { image: IMAGE, pull_policy: 'if-not-present', ...executor_config },
});
/** `ubom --plugin <executor-docker> …args` in the temp project. */
const run = (args: string[]) => {
  const env = cleanEnv();
  delete env.UBOM_CONFIG; // the project's ubom.config.json, found from the current folder
  return ubom(['--plugin', DOCKER, ...args], { cwd: project, env });
};

/** Containers the engine has (running or not) for a work id: none may be left, or made by a refused work. */
const containersOf = (workId: string): string =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=ubom.work-id=${workId}`], {
    encoding: 'utf8',
  }).trim();

beforeAll(() => {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    execFileSync('bash', [SETUP], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  }
  project = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-config-')));
  shared = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-shared-')));
  writeFileSync(join(shared, 'input.txt'), `from the allowed folder ${runId}\n`);
}, 600_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

describe('ubom.config.json reaches the docker executor (allowed_host_paths)', () => {
  it('a work bind-mounting the allowed folder runs and reads a file from it', async () => {
    config({ allowed_host_paths: [shared] });
    const id = `allowed-${runId}`;
    const path = write(
      'allowed.json',
      dockerWork(id, {
        command: ['cat', '/data/input.txt'],
        volumes: [{ source: shared, target: '/data', read_only: true }],
      }),
    );
    const { code, stdout, stderr } = await run(['run', '--json', path]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe(`from the allowed folder ${runId}\n`);
    expect(containersOf(id)).toBe(''); // removed before the CLI exits
  }, 180_000);

  it('a work mounting /etc is refused: exit 2 naming executor_config.volumes[0].source, nothing runs', async () => {
    config({ allowed_host_paths: [shared] });
    const id = `etc-${runId}`;
    const path = write(
      'etc.json',
      dockerWork(id, {
        command: ['sh', '-c', `echo ran-${runId}`],
        volumes: [{ source: '/etc', target: '/host-etc', read_only: true }],
      }),
    );
    for (const flags of [['run'], ['run', '--json'], ['validate']]) {
      const { code, stdout, stderr } = await run([...flags, path]);
      expect(code, `${flags.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr).toContain('executor_config.volumes[0].source');
      expect(stderr).toContain('mounting "/etc" is refused');
      expect(stderr).toMatch(/allow_dangerous_mounts/);
      expect(stdout + stderr).not.toContain(`ran-${runId}`);
    }
    expect(containersOf(id)).toBe('');
  }, 180_000);

  it('without the section, host bind mounts are off: the allowed folder is refused too, naming allowed_host_paths', async () => {
    write('ubom.config.json', { plugins: {} });
    const path = write(
      'off.json',
      dockerWork(`off-${runId}`, {
        command: ['cat', '/data/input.txt'],
        volumes: [{ source: shared, target: '/data', read_only: true }],
      }),
    );
    const { code, stdout, stderr } = await run(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toContain('executor_config.volumes[0].source');
    expect(stderr).toContain('allowed_host_paths lists no folder');
    expect(stdout + stderr).not.toContain(`from the allowed folder ${runId}`);
  }, 180_000);

  it('a typo in the section (allowed_host_path) exits 2 with a hint, and runs nothing', async () => {
    config({ allowed_host_path: [shared] });
    const id = `typo-${runId}`;
    const path = write('typo.json', dockerWork(id, { command: ['sh', '-c', `echo ran-${runId}`] }));
    const { code, stdout, stderr } = await run(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'plugins["@ubom/executor-docker"].allowed_host_path: unknown key — did you mean "allowed_host_paths"?',
    );
    expect(stdout + stderr).not.toContain(`ran-${runId}`);
    expect(containersOf(id)).toBe('');
  }, 180_000);
});

describe('a registry password in a refused pull (issue 12, item 3) through the CLI', () => {
  let registry: FakeRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ username: 'robot', password: 'right-pw-not-used' });
  }, 120_000);
  afterAll(async () => {
    await registry?.close();
  });

  it('neither the password nor the Basic credentials derived from it appear in human, --json or --debug output', async () => {
    write('ubom.config.json', { plugins: {} });
    const wrong = `wrong-pw-${runId}`;
    // "robot-x:" is 8 bytes: the base64 of the password alone is not a part of the base64 of the pair
    const basic = Buffer.from(`robot-x:${wrong}`).toString('base64');
    const path = write(
      'pull.json',
      dockerWork(`pull-${runId}`, {
        image: `${registry.repository}:latest`,
        pull_policy: 'always',
        command: ['true'],
        auth: { username: 'robot-x', password: wrong },
      }),
    );
    for (const flags of [['run'], ['run', '--json'], ['--debug', 'run']]) {
      const { code, stdout, stderr } = await run([...flags, path]);
      const shown = stdout + stderr;
      expect(code, shown).not.toBe(0);
      expect(shown).toMatch(/could not pull image/);
      expect(shown).not.toContain(wrong);
      expect(shown).not.toContain(Buffer.from(wrong).toString('base64'));
      expect(shown).not.toContain(basic);
    }
    // the registry did get (and echo) the credentials: the masking is what kept them out
    expect(registry.authorizations).toContain(`Basic ${basic}`);
  }, 180_000);
});
