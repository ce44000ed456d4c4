import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AbortError,
  defineExecutor,
  EnhancedWorkRegistry,
  type LogEntry,
  PluginError,
  sleep,
  ValidationError,
  type Work,
} from '../src/index';

let parses = 0;
const createPlugin = defineExecutor({
  name: 'ubom-plugin-echo',
  version: '1.0.0',
  type: 'echo',
  description: 'Echoes its input',
  config: z
    .object({
      text: z.string().transform((text) => {
        parses++;
        return text;
      }),
      token: z.string().meta({ writeOnly: true }).optional(),
      sleep_ms: z.number().int().nonnegative().default(0),
      fail: z.enum(['no', 'result', 'throw', 'ubom']).default('no'),
      nested: z.object({ depth: z.number() }).strict().optional(),
    })
    .strict(),
  pluginConfig: z.object({ prefix: z.string().default('') }).strict(),
  setup: ({ config }) => ({ prefix: config.prefix, tornDown: false }),
  teardown: (state) => {
    state.tornDown = true;
  },
  validate: ({ config }) =>
    config.text === 'forbidden' ? [{ path: 'executor_config.text', message: 'is forbidden' }] : undefined,
  dryRun: async ({ config }) => {
    if (config.text === 'absent') throw ValidationError.single('executor_config.text', 'not on the backend');
    return { checked: true };
  },
  async run({ config, state, log, lines, secret, signal }) {
    if (config.token) {
      const derived = Buffer.from(`user:${config.token}`).toString('base64');
      secret(`Basic ${derived}`);
      log('info', `token ${config.token}, header Basic ${derived}`);
    }
    const out = lines('stdout');
    out.write(`${state.prefix}${config.text}\npartial`);
    out.end();
    if (config.sleep_ms > 0) await sleep(config.sleep_ms, signal);
    if (config.fail === 'throw') throw new Error(`boom ${config.token ?? ''}`);
    if (config.fail === 'ubom')
      throw ValidationError.single('executor_config.text', 'refused by the backend');
    if (config.fail === 'result')
      return { success: false, error: 'it failed', outputs: { text: config.text } };
    return {
      outputs: { text: config.text, token: config.token },
      metrics: { textLength: config.text.length },
    };
  },
});

const work = (config: Record<string, unknown>, extra: Partial<Work> = {}): Work => ({
  id: 'w1',
  type: 'echo',
  executor_config: config,
  ...extra,
});

function registryWith() {
  const plugin = createPlugin();
  const registry = new EnhancedWorkRegistry({ abortGraceMs: 2000 });
  registry.registerExecutor('echo', plugin);
  return { plugin, registry };
}

describe('defineExecutor', () => {
  it('makes a full plugin: info, metadata, schema with the own timeout, plugin config schema', () => {
    const plugin = createPlugin();
    expect(plugin.getPluginInfo()).toEqual({
      name: 'ubom-plugin-echo',
      version: '1.0.0',
      apiVersion: 1,
      description: 'Echoes its input',
    });
    expect(plugin.getMetadata().capabilities).toEqual({ cancel: true, streamLogs: true, dryRun: true });
    expect(plugin.getSupportedTypes()).toEqual(['echo']);
    expect(plugin.canExecute('echo')).toBe(true);
    const config = plugin.getSchema().config as { properties: Record<string, unknown> };
    expect(Object.keys(config.properties)).toEqual([
      'text',
      'token',
      'sleep_ms',
      'fail',
      'nested',
      'timeout',
      'propagate_trace',
    ]);
    expect(plugin.getPluginConfigSchema()).toMatchObject({ properties: { prefix: { type: 'string' } } });
  });

  it('runs a work: outputs, camelCase metrics, framed and numbered logs, one parse per run', async () => {
    const { registry } = registryWith();
    const live: LogEntry[] = [];
    parses = 0;
    const result = await registry.execute(work({ text: 'hello' }), {}, { onLog: (e) => live.push(e) });
    expect(parses).toBe(1);
    expect(result.success).toBe(true);
    expect(result.outputs).toEqual({ text: 'hello' });
    expect(result.metrics).toMatchObject({ textLength: 5, attempts: 1 });
    expect(live.map((e) => [e.seq, e.source, e.message])).toEqual([
      [0, 'stdout', 'hello'],
      [1, 'stdout', 'partial'],
    ]);
    expect(result.logs).toEqual(live);
  });

  it('reports every problem at once with paths and "did you mean", the own timeout included', async () => {
    const { registry } = registryWith();
    const plugin = createPlugin();
    const error = await plugin
      .execute(work({ txt: 'x', timeout: '9999999h', nested: { dept: 1 } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual(
      expect.arrayContaining([
        { path: 'executor_config.timeout', message: 'must be at most 596h' },
        { path: 'executor_config.txt', message: 'unknown key — did you mean "text"?' },
        { path: 'executor_config.nested.dept', message: 'unknown key — did you mean "depth"?' },
      ]),
    );
    await expect(registry.execute(work({ text: 'forbidden' }))).rejects.toMatchObject({
      issues: [{ path: 'executor_config.text', message: 'is forbidden' }],
    });
  });

  it('dry run only through validateWork({ dryRun: true })', async () => {
    const { registry } = registryWith();
    await expect(registry.validateWork(work({ text: 'absent' }))).resolves.toBeUndefined();
    await expect(registry.validateWork(work({ text: 'absent' }), { dryRun: true })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'executor_config.text', message: 'not on the backend' }],
    });
  });

  it('enforces executor_config.timeout: success:false "timed out after …", metrics.timedOut', async () => {
    const plugin = createPlugin();
    const result = await plugin.execute(work({ text: 'slow', sleep_ms: 5000, timeout: '50ms' }));
    expect(result).toMatchObject({ success: false, error: 'timed out after 50ms' });
    expect(result.metrics.timedOut).toBe(true);
    expect(result.logs.at(-1)).toMatchObject({ level: 'error', message: 'timed out after 50ms' });
  });

  it('a cancel rejects with AbortError; an already aborted signal runs nothing', async () => {
    const plugin = createPlugin();
    const controller = new AbortController();
    const running = plugin.execute(work({ text: 'slow', sleep_ms: 5000 }), {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(running).rejects.toBeInstanceOf(AbortError);
    const live: LogEntry[] = [];
    await expect(
      plugin.execute(work({ text: 'x' }), {}, { signal: AbortSignal.abort(), onLog: (e) => live.push(e) }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(live).toEqual([]);
  });

  it('shutdown aborts running works, waits for them, and tears the state down', async () => {
    const plugin = createPlugin();
    await plugin.initialize({ prefix: '> ' });
    const state = plugin.state;
    const running = plugin.execute(work({ text: 'slow', sleep_ms: 5000 })).catch((e: unknown) => e);
    await sleep(10);
    expect(plugin.activeWorks).toBe(1);
    await plugin.shutdown();
    expect(await running).toBeInstanceOf(AbortError);
    expect(plugin.activeWorks).toBe(0);
    expect(state.tornDown).toBe(true);
    expect(() => plugin.state).toThrow(/not set up/);
  });

  it('initialize validates the plugin config with paths', async () => {
    const plugin = createPlugin();
    await expect(plugin.initialize({ prefx: 1 })).rejects.toMatchObject({
      issues: [{ path: 'config.prefx', message: 'unknown key — did you mean "prefix"?' }],
    });
  });

  it('masks config secrets and derived ones in logs, outputs and errors, also when called directly', async () => {
    const plugin = createPlugin();
    const token = 'hunter2-secret';
    const live: LogEntry[] = [];
    const result = await plugin.execute(work({ text: 'x', token }), {}, { onLog: (e) => live.push(e) });
    const header = Buffer.from(`user:${token}`).toString('base64');
    const shown = JSON.stringify([result, live]);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(header);
    const error = await plugin.execute(work({ text: 'x', token, fail: 'throw' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(String((error as Error).message) + String((error as Error).cause)).not.toContain(token);
  });

  it('a UbomError from run passes as is; a failed outcome resolves with its error logged', async () => {
    const plugin = createPlugin();
    await expect(plugin.execute(work({ text: 'x', fail: 'ubom' }))).rejects.toBeInstanceOf(ValidationError);
    const result = await plugin.execute(work({ text: 'x', fail: 'result' }));
    expect(result).toMatchObject({ success: false, error: 'it failed', outputs: { text: 'x' } });
    expect(result.logs.at(-1)).toMatchObject({ level: 'error', message: 'it failed' });
  });

  it('takes a plain JSON Schema config too', async () => {
    const plain = defineExecutor({
      name: 'ubom-plugin-plain',
      version: '1.0.0',
      type: 'plain',
      description: 'plain JSON Schema',
      config: {
        type: 'object',
        properties: { n: { type: 'integer' } },
        required: ['n'],
        additionalProperties: false,
      },
      async run({ config }) {
        return { outputs: { n: config.n } };
      },
    })();
    expect((await plain.execute(work({ n: 3 }, { type: 'plain' }))).outputs).toEqual({ n: 3 });
    await expect(plain.execute(work({ n: 'x' }, { type: 'plain' }))).rejects.toMatchObject({
      issues: [{ path: 'executor_config.n' }],
    });
  });
});

describe('defineExecutor: set-up after a failed initialize', () => {
  const seen: string[] = [];
  const flaky = defineExecutor({
    name: 'ubom-plugin-flaky',
    version: '1.0.0',
    type: 'flaky',
    description: 'setup fails for host "down"',
    config: z.object({}).strict(),
    pluginConfig: z.object({ host: z.string().default('local') }).strict(),
    setup: ({ config }) => {
      seen.push(config.host);
      if (config.host === 'down') throw new Error('engine down');
      return { host: config.host };
    },
    async run({ state }) {
      return { outputs: { host: state.host } };
    },
  });

  it('retries with the config given to initialize, never falls back to the default one', async () => {
    const plugin = flaky();
    await expect(plugin.initialize({ host: 'down' })).rejects.toThrow('engine down');
    await expect(plugin.execute(work({}, { type: 'flaky' }))).rejects.toThrow(/engine down/);
    await expect(plugin.execute(work({}, { type: 'flaky' }))).rejects.toThrow(/engine down/);
    expect(seen).toEqual(['down', 'down', 'down']);
  });

  it('hints the own timeout for a typo when called directly', async () => {
    const error = await flaky()
      .execute(work({ timout: '1s' }, { type: 'flaky' }))
      .catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([
      { path: 'executor_config.timout', message: 'unknown key — did you mean "timeout"?' },
    ]);
  });
});
