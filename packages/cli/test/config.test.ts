import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ubom } from './helpers';
import { createProject, install, manifest, type Project, writePackage } from './plugin-fixtures';

/*
 * ubom.config.json, discovery roots and secrets by reference, through the real CLI bin. A stand-in
 * plugin with a plugin-config schema returns the config its `initialize` received.
 */
const configured = `import { BasePlugin, MetricsClock, workResult } from '@ubom/core';
class Configured extends BasePlugin {
  #config = {};
  async initialize(config) { this.#config = config; }
  getPluginConfigSchema() {
    return { type: 'object', properties: { endpoint: { type: 'string', pattern: '^https://' }, token: { type: 'string', writeOnly: true } }, additionalProperties: false };
  }
  async execute(work, _c, options = {}) {
    const clock = new MetricsClock();
    const text = 'password is ' + work.executor_config.password;
    options.onLog?.({ timestamp: new Date().toISOString(), level: 'info', source: 'stdout', message: text });
    return workResult({ success: true, outputs: { init: this.#config, echoed: work.executor_config.password }, metrics: clock.finish() });
  }
}
export function createPlugin() {
  return new Configured(
    { name: 'ubom-plugin-configured', version: '1.0.0', apiVersion: 1 },
    { name: 'configured', description: 'returns its plugin config', version: '1.0.0', capabilities: { cancel: false, streamLogs: true, dryRun: false } },
    { type: 'configured', version: '1.0.0', config: { type: 'object', properties: { password: { type: 'string', writeOnly: true } }, additionalProperties: false } },
  );
}
`;

let project: Project;
const secretsDir = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-secrets-')));
const write = (name: string, content: unknown): string => {
  const path = join(project.root, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
};
const work = (config: Record<string, unknown>) => ({ id: 'c1', type: 'configured', executor_config: config });
const run = (args: string[], env: Record<string, string> = {}) =>
  ubom(args, { cwd: project.root, env: cleanEnv(env) });

beforeAll(() => {
  project = createProject('ubom-config-');
  install(project, {
    name: 'ubom-plugin-configured',
    manifest: manifest(['configured']),
    source: configured,
  });
  writeFileSync(join(secretsDir, 'FILE_PW'), 'file-secret-77aa\n');
});

describe('ubom.config.json', () => {
  it('gives a plugin its section (with env references replaced) and reaches its initialize', async () => {
    write('ubom.config.json', {
      $schema: './node_modules/@ubom/core/ubom.config.schema.json',
      plugins: { 'ubom-plugin-configured': { endpoint: `$${'{'}env:ENDPOINT}` } },
    });
    const path = write('w.json', work({ password: 'inline-pw-1234' }));
    const { code, stdout } = await run(['run', '--json', path], { ENDPOINT: 'https://example.internal' });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).outputs.init).toEqual({ endpoint: 'https://example.internal' });
  });

  it('a bad configuration exits 2 listing every problem with its path, and runs nothing', async () => {
    write('ubom.config.json', {
      plugin: {},
      plugins: {
        'ubom-plugin-configured': { endpoint: 'http://plain', tokn: 'x' },
        'ubom-plugin-configurd': {},
      },
      defaults: { timeout: 'soon' },
      secrets: [{ type: 'env', prefix: `$${'{'}env:UNSET_PREFIX_VAR}` }],
    });
    const path = write('w.json', work({ password: 'inline-pw-1234' }));
    const { code, stdout, stderr } = await run(['run', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('plugin: unknown key — did you mean "plugins"?');
    expect(stderr).toContain('defaults.timeout');
    expect(stderr).toContain('secrets[0].prefix: environment variable UNSET_PREFIX_VAR is not set');
    expect(stderr).not.toContain('password is');
  });

  it('plugin sections are checked against the plugin’s own schema, all at once, with paths', async () => {
    write('ubom.config.json', {
      plugins: {
        'ubom-plugin-configured': { endpoint: 'http://plain', tokn: 'x' },
        'ubom-plugin-configurd': {},
      },
    });
    const { code, stderr } = await run(['run', write('w.json', work({ password: 'x-12345' }))]);
    expect(code).toBe(2);
    expect(stderr).toContain('plugins["ubom-plugin-configured"].endpoint');
    expect(stderr).toContain('plugins["ubom-plugin-configured"].tokn: unknown key — did you mean "token"?');
    expect(stderr).toContain(
      'plugins["ubom-plugin-configurd"]: no plugin named "ubom-plugin-configurd" is installed — did you mean "ubom-plugin-configured"?',
    );
  });

  it('--config picks a file; ubom config prints it with plugin secrets masked; plugins list shows it is configured', async () => {
    const path = write('other.config.json', {
      plugins: { 'ubom-plugin-configured': { endpoint: 'https://x.example', token: 'config-token-9f8e' } },
    });
    write('ubom.config.json', { plugins: {} });
    const shown = await run(['--config', path, 'config']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('"endpoint": "https://x.example"');
    expect(shown.stdout).not.toContain('config-token-9f8e');
    const listed = await run(['--config', path, 'plugins', 'list', '--json']);
    const plugin = JSON.parse(listed.stdout).plugins.find(
      (p: { name: string }) => p.name === 'ubom-plugin-configured',
    );
    expect(plugin).toMatchObject({ configured: true, source: 'current folder' });
  });
});

describe('secrets by reference', () => {
  const env = { UBOM_SECRET_ENV_PW: 'env-secret-55bb' };
  beforeAll(() => {
    write('ubom.config.json', {
      plugins: {},
      secrets: [{ type: 'env' }, { type: 'file', dir: secretsDir }],
    });
  });

  for (const [source, name, value] of [
    ['UBOM_SECRET_*', 'ENV_PW', 'env-secret-55bb'],
    ['a secrets folder', 'FILE_PW', 'file-secret-77aa'],
  ] as const) {
    it(`a secret from ${source} runs and appears nowhere in human, --json or --debug output`, async () => {
      const path = write('ref.json', work({ password: { $secret: name } }));
      for (const flags of [[], ['--json'], ['--debug']]) {
        const { code, stdout, stderr } = await run(
          [...flags.filter((f) => f === '--debug'), 'run', ...flags.filter((f) => f === '--json'), path],
          env,
        );
        expect(code).toBe(0);
        expect(stdout + stderr).not.toContain(value);
        expect(stdout + stderr).toContain('password is ***');
      }
    });
  }

  it('a missing secret exits 2 naming the path and the providers tried', async () => {
    const path = write('missing.json', work({ password: { $secret: 'NOPE' } }));
    const { code, stderr } = await run(['run', path], env);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `executor_config.password: secret "NOPE" was not found (tried env UBOM_SECRET_NOPE, file ${join(secretsDir, 'NOPE')})`,
    );
  });

  it('ubom validate checks where references sit; --resolve also resolves them', async () => {
    const path = write('missing.json', work({ password: { $secret: 'NOPE' } }));
    expect((await run(['validate', path], env)).code).toBe(0);
    const resolved = await run(['validate', '--resolve', path], env);
    expect(resolved.code).toBe(2);
    expect(resolved.stderr).toContain('secret "NOPE" was not found');
  });
});

describe('discovery roots', () => {
  it('--plugin ./folder loads a plugin package that is not installed; plugins list names the source', async () => {
    const folder = join(project.root, 'plugins', 'local');
    writePackage(folder, { name: 'ubom-plugin-local', manifest: manifest(['local']) });
    // the package's own import of @ubom/core resolves through the project's node_modules
    const path = write('local.json', {
      id: 'l',
      type: 'local',
      executor_config: { message: 'hi from local' },
    });
    const ran = await run(['--plugin', './plugins/local', 'run', '--json', path]);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).outputs.message).toBe('hi from local');
    const listed = await run(['--plugin', './plugins/local', 'plugins', 'list', '--json']);
    const plugin = JSON.parse(listed.stdout).plugins.find(
      (p: { name: string }) => p.name === 'ubom-plugin-local',
    );
    expect(plugin).toMatchObject({ source: '--plugin', status: 'available' });
  });

  it("inside a plugin's own folder, ubom run runs that plugin (the author's dev loop)", async () => {
    const folder = join(project.root, 'plugins', 'mine');
    writePackage(folder, { name: 'ubom-plugin-mine', manifest: manifest(['mine']) });
    const path = write('mine.json', { id: 'm', type: 'mine', executor_config: { message: 'dev loop' } });
    const ran = await ubom(['run', '--json', path], { cwd: folder, env: cleanEnv() });
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).outputs.message).toBe('dev loop');
  });

  it('the work file’s folder is searched: examples/docker/work.json validates from the repository root', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const schema = await ubom(['validate', join(root, 'examples', 'docker', 'work.json')], {
      cwd: root,
      env: cleanEnv(),
    });
    expect(schema.stderr).not.toContain('no executor for type "docker"');
  });
});

describe('a missing type names the roots searched', () => {
  it('lists every root in order', async () => {
    mkdirSync(join(project.root, 'sub'), { recursive: true });
    const path = write('teleport.json', { id: 't', type: 'teleport', executor_config: {} });
    const { code, stderr } = await run(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /\(searched: work file folder .+ \(and parents\); current folder .+ \(and parents\); ubom install .+\)/,
    );
  });
});

describe('secrets by reference in built-in executors', () => {
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const env = { UBOM_SECRET_BUILTIN_PW: 'builtin-env-3c4d' };
  beforeAll(() => {
    writeFileSync(join(secretsDir, 'BUILTIN_FILE_PW'), 'builtin-file-5e6f\n');
    write('ubom.config.json', { secrets: [{ type: 'env' }, { type: 'file', dir: secretsDir }] });
  });

  it('a process work gets its secret_environment from UBOM_SECRET_* and from a secrets folder; neither value is shown', async () => {
    const path = write('proc.json', {
      id: 'p',
      type: 'process',
      executor_config: {
        command: ['sh', '-c', 'echo "a=$A b=$B"'],
        secret_environment: { A: { $secret: 'BUILTIN_PW' }, B: { $secret: 'BUILTIN_FILE_PW' } },
      },
    });
    for (const flags of [['run'], ['run', '--json'], ['--debug', 'run']]) {
      const { code, stdout, stderr } = await run([...flags, path], env);
      expect(code, stderr).toBe(0);
      expect(stdout + stderr).toContain('a=*** b=***');
      expect(stdout + stderr).not.toContain('builtin-env-3c4d');
      expect(stdout + stderr).not.toContain('builtin-file-5e6f');
    }
  });

  it('a docker work does the same (the engine must be up: CI starts it)', async () => {
    const path = write('docker.json', {
      id: 'd',
      type: 'docker',
      timeout: '60s',
      executor_config: {
        image: 'ubom-test/busybox:latest',
        pull_policy: 'never',
        command: ['sh', '-c', 'echo "a=$A b=$B"'],
        secret_environment: { A: { $secret: 'BUILTIN_PW' }, B: { $secret: 'BUILTIN_FILE_PW' } },
      },
    });
    const docker = join(repo, 'packages', 'executor-docker');
    const { code, stdout, stderr } = await run(['--plugin', docker, 'run', '--json', path], env);
    expect(code, stderr).toBe(0);
    expect(stdout + stderr).toContain('a=*** b=***');
    expect(stdout + stderr).not.toContain('builtin-env-3c4d');
    expect(stdout + stderr).not.toContain('builtin-file-5e6f');
  }, 120_000);
});

describe('a real `ubom worker` reads the configuration', () => {
  it("gives a third-party plugin its section and resolves the work's secret reference; enqueue carries the reference", async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('bash', [fileURLToPath(new URL('../../../scripts/setup-redis.sh', import.meta.url))], {
      stdio: 'ignore',
    });
    write('ubom.config.json', {
      plugins: { 'ubom-plugin-configured': { endpoint: 'https://worker.example' } },
      secrets: [{ type: 'env' }],
    });
    const queue = `ubom-config-${Date.now()}`;
    const env = cleanEnv({
      UBOM_REDIS_URL: 'redis://127.0.0.1:6379',
      UBOM_QUEUE: queue,
      UBOM_SECRET_QUEUED_PW: 'queued-secret-1a2b',
    });
    const { CliRun } = await import('./helpers');
    const worker = new CliRun(['worker'], { env, cwd: project.root });
    try {
      const path = write('queued.json', work({ password: { $secret: 'QUEUED_PW' } }));
      const { code, stdout, stderr } = await ubom(['enqueue', '--wait', '--json', path], {
        env: cleanEnv({ UBOM_REDIS_URL: 'redis://127.0.0.1:6379', UBOM_QUEUE: queue }), // no secret here
        cwd: project.root,
      });
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout);
      expect(result.outputs.init).toEqual({ endpoint: 'https://worker.example' });
      expect(result.outputs.echoed).toBe('***');
      expect(stdout + stderr).not.toContain('queued-secret-1a2b');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
    }
  }, 90_000);
});
