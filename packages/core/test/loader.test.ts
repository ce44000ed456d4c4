import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  DefaultPluginLoader,
  EnhancedWorkRegistry,
  type ExternalWorkPlugin,
  type Logger,
  NotFoundError,
  PluginError,
  UnavailableError,
} from '../src';
import { FakeExecutor, never, rejection, succeeded, thrown, validDockerWork } from './helpers';

interface Hooks {
  initialize?: (config: Record<string, unknown>) => Promise<void>;
  healthCheck?: () => Promise<void>;
  shutdown?: () => Promise<void>;
}

/** A plugin whose lifecycle methods do what the test says, recording the calls. */
class LifecyclePlugin extends FakeExecutor {
  readonly events: string[] = [];
  readonly #hooks: Hooks;

  constructor(name: string, hooks: Hooks = {}) {
    super({ name });
    this.#hooks = hooks;
  }

  override async initialize(config: Record<string, unknown>): Promise<void> {
    this.events.push(`initialize ${JSON.stringify(config)}`);
    await super.initialize(config);
    await this.#hooks.initialize?.(config);
  }

  override async healthCheck(): Promise<void> {
    this.events.push('healthCheck');
    await this.#hooks.healthCheck?.();
  }

  override async shutdown(): Promise<void> {
    this.events.push('shutdown');
    await this.#hooks.shutdown?.();
    this.events.push('shut down');
  }
}

const recordingLogger = () => {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
};

describe('DefaultPluginLoader', () => {
  it('registers, initializes with the config and returns a plugin', async () => {
    const plugin = new LifecyclePlugin('docker');
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('docker', () => plugin);
    expect(loader.listPlugins()).toEqual([{ name: 'docker', initialized: false }]);
    expect(await loader.initializePlugin('docker', { socket: '/var/run/docker.sock' })).toBe(plugin);
    expect(loader.getPlugin('docker')).toBe(plugin);
    expect(plugin.events).toEqual(['initialize {"socket":"/var/run/docker.sock"}']);
    expect(loader.listPlugins()).toEqual([{ name: 'docker', initialized: true }]);
  });

  it('accepts an async factory', async () => {
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('later', async () => new LifecyclePlugin('later'));
    expect((await loader.initializePlugin('later')).getPluginInfo().name).toBe('later');
  });

  it('refuses a second plugin under the same name and a second initialize', async () => {
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('docker', () => new LifecyclePlugin('docker'));
    expect(() => loader.registerPlugin('docker', () => new LifecyclePlugin('docker'))).toThrow(ConflictError);
    await loader.initializePlugin('docker');
    expect(await rejection(loader.initializePlugin('docker'))).toBeInstanceOf(ConflictError);
  });

  it('throws NotFoundError for an unknown plugin and for one not initialized yet', async () => {
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('docker', () => new LifecyclePlugin('docker'));
    expect(thrown(() => loader.getPlugin('grpc'))).toBeInstanceOf(NotFoundError);
    expect(thrown(() => loader.getPlugin('docker'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(loader.initializePlugin('grpc'))).toBeInstanceOf(NotFoundError);
  });

  describe('containment', () => {
    it('a throwing factory becomes a PluginError for operation create', async () => {
      const loader = new DefaultPluginLoader();
      const cause = new Error('cannot construct');
      loader.registerPlugin('bad', () => {
        throw cause;
      });
      const error = await rejection(loader.initializePlugin('bad'));
      expect(error).toBeInstanceOf(PluginError);
      expect(error).toMatchObject({ pluginName: 'bad', operation: 'create', cause, code: 'PLUGIN' });
      expect((error as Error).message).toBe('[ubom] plugin "bad" failed in create: cannot construct');
    });

    it('a factory that returns no plugin becomes a PluginError for operation create', async () => {
      const loader = new DefaultPluginLoader();
      loader.registerPlugin('empty', () => ({}) as ExternalWorkPlugin);
      expect(await rejection(loader.initializePlugin('empty'))).toMatchObject({ operation: 'create' });
    });

    it('a throwing initialize becomes a PluginError naming the plugin, and can be retried', async () => {
      let attempts = 0;
      const loader = new DefaultPluginLoader();
      loader.registerPlugin(
        'flaky',
        () =>
          new LifecyclePlugin('flaky', {
            initialize: async () => {
              attempts++;
              if (attempts === 1) throw new Error('daemon still starting');
            },
          }),
      );
      const error = await rejection(loader.initializePlugin('flaky'));
      expect(error).toBeInstanceOf(PluginError);
      expect(error).toMatchObject({ pluginName: 'flaky', operation: 'initialize' });
      expect(() => loader.getPlugin('flaky')).toThrow(NotFoundError);
      await loader.initializePlugin('flaky');
      expect(loader.getPlugin('flaky')).toBeDefined();
    });

    it('a UbomError thrown by initialize is still reported as a PluginError, keeping its retryable', async () => {
      const loader = new DefaultPluginLoader();
      const cause = new UnavailableError('cannot reach the daemon', { scope: 'docker' });
      loader.registerPlugin(
        'docker',
        () => new LifecyclePlugin('docker', { initialize: () => Promise.reject(cause) }),
      );
      const error = await rejection(loader.initializePlugin('docker'));
      expect(error).toBeInstanceOf(PluginError);
      expect(error).toMatchObject({ pluginName: 'docker', operation: 'initialize', cause, retryable: true });
    });

    it('a hanging initialize becomes a PluginError once operationTimeoutMs passes', async () => {
      const loader = new DefaultPluginLoader(undefined, { operationTimeoutMs: 50 });
      loader.registerPlugin('stuck', () => new LifecyclePlugin('stuck', { initialize: () => never() }));
      const started = Date.now();
      const error = await rejection(loader.initializePlugin('stuck'));
      expect(error).toMatchObject({ pluginName: 'stuck', operation: 'initialize' });
      expect((error as Error).message).toContain('did not finish within 50 ms');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('other plugins keep working after one fails', async () => {
      const loader = new DefaultPluginLoader();
      loader.registerPlugin('broken', () => {
        throw new Error('nope');
      });
      loader.registerPlugin('docker', () => new LifecyclePlugin('docker'));
      await rejection(loader.initializePlugin('broken'));
      const registry = new EnhancedWorkRegistry();
      registry.registerExecutor('docker', await loader.initializePlugin('docker'));
      expect((await registry.execute(validDockerWork())).success).toBe(true);
    });
  });

  describe('healthCheckAll', () => {
    it('reports each initialized plugin: healthy, throwing and hanging alike', async () => {
      const loader = new DefaultPluginLoader(undefined, { operationTimeoutMs: 50 });
      loader.registerPlugin('good', () => new LifecyclePlugin('good'));
      loader.registerPlugin(
        'sick',
        () => new LifecyclePlugin('sick', { healthCheck: () => Promise.reject(new Error('disk full')) }),
      );
      loader.registerPlugin(
        'unreachable',
        () =>
          new LifecyclePlugin('unreachable', {
            healthCheck: () => Promise.reject(new UnavailableError('no route')),
          }),
      );
      loader.registerPlugin('stuck', () => new LifecyclePlugin('stuck', { healthCheck: () => never() }));
      loader.registerPlugin('never-initialized', () => new LifecyclePlugin('never-initialized'));
      for (const name of ['good', 'sick', 'unreachable', 'stuck']) await loader.initializePlugin(name);

      const health = await loader.healthCheckAll();
      expect(health.map((h) => [h.name, h.healthy])).toEqual([
        ['good', true],
        ['sick', false],
        ['unreachable', false],
        ['stuck', false],
      ]);
      for (const h of health.filter((x) => !x.healthy)) {
        expect(h.error).toBeInstanceOf(PluginError);
        expect(h.error).toMatchObject({ pluginName: h.name, operation: 'healthCheck' });
      }
      expect(health[1]?.error?.message).toContain('disk full');
      expect(health[3]?.error?.message).toContain('did not finish within 50 ms');
    });

    it('healthCheck of one plugin throws its PluginError', async () => {
      const loader = new DefaultPluginLoader();
      loader.registerPlugin(
        'sick',
        () => new LifecyclePlugin('sick', { healthCheck: () => Promise.reject(new Error('x')) }),
      );
      await loader.initializePlugin('sick');
      expect(await rejection(loader.healthCheck('sick'))).toMatchObject({ operation: 'healthCheck' });
    });
  });

  describe('shutdownAll', () => {
    it('returns within timeoutMs though a plugin hangs forever, shuts the others down and returns the failures', async () => {
      const { logger, lines } = recordingLogger();
      const loader = new DefaultPluginLoader(logger);
      const good = new LifecyclePlugin('good');
      const alsoGood = new LifecyclePlugin('also-good', {
        shutdown: () => new Promise((r) => setTimeout(r, 10)),
      });
      loader.registerPlugin('hangs', () => new LifecyclePlugin('hangs', { shutdown: () => never() }));
      loader.registerPlugin('good', () => good);
      loader.registerPlugin(
        'throws',
        () => new LifecyclePlugin('throws', { shutdown: () => Promise.reject(new Error('busy')) }),
      );
      loader.registerPlugin('also-good', () => alsoGood);
      for (const name of ['hangs', 'good', 'throws', 'also-good']) await loader.initializePlugin(name);

      const started = Date.now();
      const failures = await loader.shutdownAll({ timeoutMs: 100 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(good.events.at(-1)).toBe('shut down');
      expect(alsoGood.events.at(-1)).toBe('shut down');
      expect(failures.map((f) => [f.pluginName, f.operation]).sort()).toEqual([
        ['hangs', 'shutdown'],
        ['throws', 'shutdown'],
      ]);
      for (const failure of failures) expect(failure).toBeInstanceOf(PluginError);
      expect(loader.listPlugins().every((p) => !p.initialized)).toBe(true);
      expect(() => loader.getPlugin('good')).toThrow(NotFoundError);
      expect(lines.filter((l) => l.startsWith('warn plugin shutdown failed'))).toHaveLength(2);
    });

    it('resolves with no failures when nothing is initialized', async () => {
      expect(await new DefaultPluginLoader().shutdownAll()).toEqual([]);
    });

    it('a plugin can be initialized again after shutdown', async () => {
      const loader = new DefaultPluginLoader();
      loader.registerPlugin('docker', () => new LifecyclePlugin('docker'));
      const first = await loader.initializePlugin('docker');
      await loader.shutdownAll();
      const second = await loader.initializePlugin('docker');
      expect(second).not.toBe(first);
    });
  });

  describe('discover', () => {
    const roots: string[] = [];
    afterAll(async () => {
      for (const root of roots) await rm(root, { recursive: true, force: true });
    });

    const plugin = (type: string) => `
export function createPlugin() {
  const schema = { type: '${type}', version: '1.0.0', config: { type: 'object' } };
  return {
    async initialize() {}, async shutdown() {}, async healthCheck() {},
    getPluginInfo: () => ({ name: 'ubom-plugin-${type}', version: '1.0.0', apiVersion: 1 }),
    getMetadata: () => ({ name: '${type}', description: '', version: '1.0.0', capabilities: { cancel: false, streamLogs: false, dryRun: false } }),
    getSchema: () => schema,
    getSupportedTypes: () => ['${type}'],
    canExecute: (t) => t === '${type}',
    validate() {},
    async execute() {
      const now = new Date().toISOString();
      return { success: true, outputs: { from: '${type}' }, logs: [], metrics: { startedAt: now, finishedAt: now, durationMs: 0, attempts: 1 } };
    },
  };
}
`;

    async function installed(packages: Record<string, Record<string, unknown>>): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'ubom-discover-'));
      roots.push(root);
      for (const [name, manifest] of Object.entries(packages)) {
        const dir = join(root, 'node_modules', name);
        await mkdir(dir, { recursive: true });
        await writeFile(
          join(dir, 'package.json'),
          JSON.stringify({ name, version: '1.2.3', type: 'module', ubom: manifest }),
        );
        await writeFile(join(dir, 'index.js'), plugin(name.replace(/^.*ubom-plugin-/, '')));
      }
      return root;
    }

    it('finds plugins by package name, lists the unusable ones with a reason, and loads one on initialize', async () => {
      const root = await installed({
        'ubom-plugin-hello': { apiVersion: 1, workTypes: ['hello'], entry: './index.js' },
        '@acme/ubom-plugin-future': { apiVersion: 99, workTypes: ['future'], entry: './index.js' },
        'ubom-plugin-broken': { apiVersion: 1, workTypes: [], entry: './index.js' },
        'not-a-plugin': { apiVersion: 1, workTypes: ['x'], entry: './index.js' },
      });
      const loader = new DefaultPluginLoader();
      const found = await loader.discover({ from: [root] });
      const byName = Object.fromEntries(found.map((p) => [p.packageName, p]));
      expect(Object.keys(byName).sort()).toEqual([
        '@acme/ubom-plugin-future',
        'ubom-plugin-broken',
        'ubom-plugin-hello',
      ]);
      expect(byName['ubom-plugin-hello']).toMatchObject({
        status: 'available',
        version: '1.2.3',
        workTypes: ['hello'],
      });
      expect(byName['@acme/ubom-plugin-future']?.status).toBe('unsupported');
      expect(byName['@acme/ubom-plugin-future']?.reason).toContain('apiVersion 99');
      // an unusable manifest still says which types it claims, so messages can name the plugin
      expect(byName['@acme/ubom-plugin-future']?.workTypes).toEqual(['future']);
      expect(byName['ubom-plugin-broken']?.status).toBe('invalid');
      expect(loader.listPlugins()).toEqual([{ name: 'ubom-plugin-hello', initialized: false }]);

      const registry = new EnhancedWorkRegistry();
      registry.registerExecutor('hello', await loader.initializePlugin('ubom-plugin-hello'));
      const result = await registry.execute({ id: 'h', type: 'hello', executor_config: {} });
      expect(result.outputs).toEqual({ from: 'hello' });
    });
  });

  it('logs what it does through the logger it was given', async () => {
    const { logger, lines } = recordingLogger();
    const loader = new DefaultPluginLoader(logger);
    loader.registerPlugin('docker', () => new LifecyclePlugin('docker'));
    await loader.initializePlugin('docker');
    expect(lines).toContain('info plugin initialized {"plugin":"docker"}');
  });

  it('a plugin from the loader executes through the registry like any executor', async () => {
    const loader = new DefaultPluginLoader();
    loader.registerPlugin(
      'docker',
      () => new FakeExecutor({ run: async () => succeeded({ via: 'loader' }) }),
    );
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', await loader.initializePlugin('docker'));
    expect((await registry.execute(validDockerWork())).outputs).toEqual({ via: 'loader' });
  });
});

describe('DefaultPluginLoader initialization edge cases', () => {
  it('refuses a second initializePlugin of the same name while the first is still running', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const plugin = new LifecyclePlugin('slow-start', { initialize: () => gate });
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('slow-start', () => plugin);
    const first = loader.initializePlugin('slow-start');
    await expect(loader.initializePlugin('slow-start')).rejects.toBeInstanceOf(ConflictError);
    release();
    await expect(first).resolves.toBe(plugin);
    expect(plugin.events.filter((e) => e.startsWith('initialize'))).toHaveLength(1);
  });

  it('shuts a plugin down when its initialize fails, and can initialize it again afterwards', async () => {
    let attempts = 0;
    const created: LifecyclePlugin[] = [];
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('flaky', () => {
      const plugin = new LifecyclePlugin('flaky', {
        initialize: async () => {
          attempts++;
          if (attempts === 1) throw new Error('engine not reachable');
        },
      });
      created.push(plugin);
      return plugin;
    });
    const error = await rejection(loader.initializePlugin('flaky'));
    expect(error).toBeInstanceOf(PluginError);
    expect(created[0]?.events).toContain('shut down');
    await expect(loader.initializePlugin('flaky')).resolves.toBe(created[1]);
  });
});

describe('DefaultPluginLoader.acquire', () => {
  it('gives every concurrent caller the same instance, and tries again after a failed initialize', async () => {
    let created = 0;
    let failNext = true;
    const loader = new DefaultPluginLoader();
    loader.registerPlugin('lazy', () => {
      created++;
      return new LifecyclePlugin('lazy', {
        initialize: async () => {
          if (failNext) {
            failNext = false;
            throw new Error('not yet');
          }
        },
      });
    });
    expect(await rejection(loader.acquire('lazy'))).toBeInstanceOf(PluginError);
    const [a, b] = await Promise.all([loader.acquire('lazy'), loader.acquire('lazy')]);
    expect(a).toBe(b);
    expect(await loader.acquire('lazy')).toBe(a);
    expect(created).toBe(2);
  });
});
