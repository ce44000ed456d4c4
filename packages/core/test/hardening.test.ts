import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BasePlugin,
  defineExecutor,
  EnhancedWorkRegistry,
  PluginError,
  UbomError,
  ValidationError,
  type Work,
  type WorkResult,
} from '../src';
import { info, metadata } from './helpers';

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

const echo = defineExecutor({
  name: 'ubom-plugin-echo',
  version: '1.0.0',
  type: 'echo',
  description: 'echo',
  config: z
    .object({
      text: z.string(),
      payload: z.unknown().optional(),
      secret_environment: z.record(z.string(), z.string().meta({ writeOnly: true })).optional(),
    })
    .strict(),
  async run({ config }) {
    return { outputs: { text: config.text } };
  },
});

const registry = new EnhancedWorkRegistry();
registry.registerExecutor('echo', echo());
const work = (config: Record<string, unknown>, extra: Partial<Work> = {}): Work => ({
  id: 'w',
  type: 'echo',
  executor_config: config,
  ...extra,
});

describe('bounded input', () => {
  it('a payload nested 10,000 levels is a ValidationError with the path where the limit was passed', async () => {
    const error = await registry
      .execute(work({ text: 'x', payload: nested(10_000, 1) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const [issue] = (error as ValidationError).issues;
    expect(issue?.message).toBe('nests deeper than 64 levels');
    expect(issue?.path).toMatch(/^executor_config\.payload(\.a){62}$/);
  });

  it('a secret_environment nested 10,000 levels too, and the executor called directly says the same', async () => {
    const deep = work({
      text: 'x',
      secret_environment: nested(10_000, 's3cr3t-value') as Record<string, string>,
    });
    await expect(registry.validateWork(deep)).rejects.toBeInstanceOf(ValidationError);
    const direct = await echo()
      .execute(deep)
      .catch((e: unknown) => e);
    expect((direct as ValidationError).issues?.[0]?.message).toBe('nests deeper than 64 levels');
  });

  it('a work larger than the size limit is refused', async () => {
    const big = 'x'.repeat(17 * 1024 * 1024);
    await expect(registry.execute(work({ text: big }))).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: '(root)', message: expect.stringMatching(/larger than 16 MiB/) }],
    });
  });

  it('one maximum duration: work.timeout and executor_config.timeout over 596h are refused, not fired at once', async () => {
    await expect(registry.execute(work({ text: 'x' }, { timeout: '597h' }))).rejects.toMatchObject({
      issues: [{ path: 'timeout', message: 'must be at most 596h' }],
    });
    await expect(registry.execute(work({ text: 'x', timeout: '597h' }))).rejects.toMatchObject({
      issues: [{ path: 'executor_config.timeout', message: 'must be at most 596h' }],
    });
    const result = await registry.execute(work({ text: 'x' }, { timeout: '596h' }));
    expect(result.success).toBe(true);
  });
});

class HangingValidate extends BasePlugin {
  override validate(): Promise<void> {
    return new Promise(() => {});
  }
  async execute(): Promise<WorkResult> {
    throw new Error('must not run');
  }
}

describe("an executor's validate that never settles", () => {
  const schema = { type: 'hang', version: '1.0.0', config: { type: 'object' } };
  const hanging = () => new HangingValidate(info('hang'), metadata('hang'), schema);

  it('work.timeout covers it: the work resolves timed out, nothing ran', async () => {
    const r = new EnhancedWorkRegistry();
    r.registerExecutor('hang', hanging());
    const result = await r.execute({ id: 'h', type: 'hang', executor_config: {}, timeout: '200ms' });
    expect(result).toMatchObject({ success: false, metrics: { timedOut: true } });
    expect(result.error).toMatch(/^timed out after 200ms \(while the executor validated the work/);
  });

  it("without a timeout, the registry's own bound makes it a PluginError", async () => {
    const r = new EnhancedWorkRegistry({ validateTimeoutMs: 100 });
    r.registerExecutor('hang', hanging());
    const error = await r.execute({ id: 'h', type: 'hang', executor_config: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).operation).toBe('validate');
    await expect(r.validateWork({ id: 'h', type: 'hang', executor_config: {} })).rejects.toBeInstanceOf(
      PluginError,
    );
  });

  it('a cancel ends the wait with an AbortError', async () => {
    const r = new EnhancedWorkRegistry();
    r.registerExecutor('hang', hanging());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      r.execute({ id: 'h', type: 'hang', executor_config: {} }, {}, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('DefaultPluginLoader with a plugin whose initialize never settles', () => {
  it('the deadline keeps the process alive: a PluginError, not exit 13', async () => {
    const script = `
      import { DefaultPluginLoader } from ${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.js'))};
      const loader = new DefaultPluginLoader(undefined, { operationTimeoutMs: 200 });
      loader.registerPlugin('stuck', () => ({ execute() {}, initialize: () => new Promise(() => {}), shutdown: async () => {} }));
      try { await loader.initializePlugin('stuck'); console.log('initialized'); }
      catch (e) { console.log(e.name, e.operation); }
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout.trim()).toBe('PluginError initialize');
  });
});

describe('random works through the registry and a kernel executor (property)', () => {
  const value = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }), // lone surrogates included
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, '9999999999h', '597h', '0ms', '-1s'),
    fc.integer(),
    fc.constant(null),
  );
  const config = fc.dictionary(
    fc.oneof(
      fc.constantFrom('text', 'payload', 'timeout', '__proto__', 'constructor', 'secret_environment'),
      fc.string(),
    ),
    fc.oneof(value, fc.array(value), fc.dictionary(fc.string(), value), fc.constant(nested(200, 'x'))),
  );
  it('never crashes or hangs; every rejection is a UbomError whose issues carry paths', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.option(value, { nil: undefined }), async (executorConfig, timeout) => {
        const w = { id: 'p', type: 'echo', executor_config: executorConfig, timeout } as unknown as Work;
        try {
          const result = await registry.execute(w);
          expect(typeof result.success).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(UbomError);
          if (error instanceof ValidationError)
            for (const issue of error.issues) expect(issue.path.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

describe('the published configuration schema', () => {
  it('ubom.config.schema.json is UBOM_CONFIG_SCHEMA (regenerate it when the schema changes)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { UBOM_CONFIG_SCHEMA } = await import('../src');
    const file = JSON.parse(
      await readFile(join(import.meta.dirname, '..', 'ubom.config.schema.json'), 'utf8'),
    );
    expect(file).toEqual(UBOM_CONFIG_SCHEMA);
  });
});
