import { describe, expect, it } from 'vitest';
import {
  AbortError,
  abortErrorFrom,
  ConflictError,
  type EnhancedWorkExecutor,
  EnhancedWorkRegistry,
  type ExecuteOptions,
  type LogEntry,
  NotFoundError,
  PluginError,
  TimeoutError,
  UnavailableError,
  ValidationError,
  type Work,
  type WorkResult,
  type WorkSchema,
} from '../src';
import {
  aborted,
  delay,
  dockerSchema,
  FakeExecutor,
  never,
  type RunFn,
  rejection,
  succeeded,
  thrown,
  validDockerWork,
} from './helpers';

const plainSchema = (type: string): WorkSchema => ({
  type,
  version: '1.0.0',
  config: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false },
});

const plainWork = (type = 'plain', extra: Partial<Work> = {}): Work => ({
  id: 'w-1',
  type,
  executor_config: {},
  ...extra,
});

const registryWith = (run: RunFn, options: { abortGraceMs?: number } = {}) => {
  const registry = new EnhancedWorkRegistry(options);
  const executor = new FakeExecutor({ schema: plainSchema('plain'), run });
  registry.registerExecutor('plain', executor);
  return { registry, executor };
};

const isIso = (s: unknown) => typeof s === 'string' && new Date(s).toISOString() === s;

/** An executor that stops when its signal aborts: cleans up (asynchronously), then rejects with AbortError. */
const cooperative = (log: string[]): RunFn => {
  return async (_work, _ctx, options) => {
    const signal = options.signal;
    if (!signal) throw new Error('the registry passed no signal');
    log.push('started');
    await aborted(signal);
    log.push(`aborted: ${(signal.reason as Error).name}`);
    await delay(20);
    log.push('cleaned up');
    throw abortErrorFrom(signal);
  };
};

describe('EnhancedWorkRegistry: registration and lookup', () => {
  it('registers an executor and returns it by type', () => {
    const registry = new EnhancedWorkRegistry();
    const executor = new FakeExecutor();
    registry.registerExecutor('docker', executor);
    expect(registry.getExecutor('docker')).toBe(executor);
    expect(registry.hasExecutor('docker')).toBe(true);
    expect(registry.getSupportedTypes()).toEqual(['docker']);
    expect(registry.getSchema('docker')).toBe(dockerSchema);
  });

  it('throws NOT_FOUND with a "did you mean" for an unknown type', () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', new FakeExecutor());
    const error = thrown(() => registry.getExecutor('dokcer'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('NOT_FOUND');
    expect((error as Error).message).toBe('[ubom] no executor for type "dokcer" — did you mean "docker"?');
  });

  it('names the package to install when no type is close', async () => {
    const registry = new EnhancedWorkRegistry({
      missingExecutorHint: (type) => `install @ubom/executor-${type} to run it`,
    });
    registry.registerExecutor('docker', new FakeExecutor());
    const error = await rejection(registry.execute(plainWork('grpc')));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('install @ubom/executor-grpc to run it');
  });

  it('refuses a second executor for the same type', () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', new FakeExecutor());
    const error = thrown(() => registry.registerExecutor('docker', new FakeExecutor()));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('CONFLICT');
  });

  it('refuses an executor that says it cannot execute the type', () => {
    const registry = new EnhancedWorkRegistry();
    expect(() => registry.registerExecutor('grpc', new FakeExecutor())).toThrow(ConflictError);
    expect(registry.hasExecutor('grpc')).toBe(false);
  });

  it('turns a throwing getSchema into a PluginError naming the plugin', () => {
    const executor = new FakeExecutor({ name: 'broken' });
    executor.getSchema = () => {
      throw new Error('no schema today');
    };
    const error = thrown(() => new EnhancedWorkRegistry().registerExecutor('docker', executor));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).pluginName).toBe('broken');
    expect((error as PluginError).operation).toBe('getSchema');
  });

  it('forgets an unregistered executor', () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', new FakeExecutor());
    expect(registry.unregisterExecutor('docker')).toBe(true);
    expect(() => registry.getExecutor('docker')).toThrow(NotFoundError);
  });

  it('asks resolveExecutor once for a type it does not know, for validateWork and execute alike', async () => {
    const asked: string[] = [];
    const registry = new EnhancedWorkRegistry({
      resolveExecutor: async (type) => {
        asked.push(type);
        return type === 'plain' ? new FakeExecutor({ schema: plainSchema('plain') }) : undefined;
      },
    });
    const [first, second] = await Promise.all([registry.execute(plainWork()), registry.execute(plainWork())]);
    expect(first.success && second.success).toBe(true);
    await registry.validateWork(plainWork());
    expect(asked).toEqual(['plain']);
    expect(await rejection(registry.execute(plainWork('other')))).toBeInstanceOf(NotFoundError);
  });

  it('secretValues lists the writeOnly values of a work by where they sit, none for plain types', () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', new FakeExecutor());
    registry.registerExecutor('plain', new FakeExecutor({ schema: plainSchema('plain') }));
    const work = validDockerWork({ auth: { kind: 'token', token: 'tok-1' }, registry_password: 'pw-2' });
    expect([...registry.secretValues(work).config].sort()).toEqual(['pw-2', 'tok-1']);
    expect(registry.secretValues(work).inputs).toEqual([]);
    expect(registry.secretValues(plainWork())).toEqual({ config: [], inputs: [] });
  });

  it('ensureExecutor loads a type ahead through the same hook, once, and says whether it has one', async () => {
    const asked: string[] = [];
    const registry = new EnhancedWorkRegistry({
      resolveExecutor: async (type) => {
        asked.push(type);
        return type === 'plain' ? new FakeExecutor({ schema: plainSchema('plain') }) : undefined;
      },
    });
    expect(await Promise.all([registry.ensureExecutor('plain'), registry.ensureExecutor('plain')])).toEqual([
      true,
      true,
    ]);
    expect(registry.hasExecutor('plain')).toBe(true);
    expect((await registry.execute(plainWork())).success).toBe(true);
    expect(await registry.ensureExecutor('other')).toBe(false);
    expect(asked).toEqual(['plain', 'other']);
    expect(await new EnhancedWorkRegistry().ensureExecutor('plain')).toBe(false);
  });
});

describe('EnhancedWorkRegistry.validateWork', () => {
  it('runs the schema check first and does not call the executor validate when it fails', async () => {
    const registry = new EnhancedWorkRegistry();
    const executor = new FakeExecutor();
    registry.registerExecutor('docker', executor);
    const error = await rejection(registry.validateWork(validDockerWork({ image: '' })));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'executor_config.image', message: 'must not be empty' },
    ]);
    expect(executor.calls.validate).toBe(0);
  });

  it('then runs the executor validate, whose ValidationError comes through as is', async () => {
    const registry = new EnhancedWorkRegistry();
    const own = ValidationError.single('executor_config.image', 'no such image in the local store');
    const executor = new FakeExecutor({
      validate: async () => {
        await delay(1);
        throw own;
      },
    });
    registry.registerExecutor('docker', executor);
    expect(await rejection(registry.validateWork(validDockerWork()))).toBe(own);
    expect(executor.calls).toEqual({ validate: 1, execute: 0 });
  });

  it('resolves for a valid work without running it', async () => {
    const registry = new EnhancedWorkRegistry();
    const executor = new FakeExecutor();
    registry.registerExecutor('docker', executor);
    await expect(registry.validateWork(validDockerWork())).resolves.toBeUndefined();
    expect(executor.calls).toEqual({ validate: 1, execute: 0 });
  });

  it('turns a plain Error from the executor validate into a PluginError for operation validate', async () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor(
      'docker',
      new FakeExecutor({
        name: 'picky',
        validate: () => {
          throw new TypeError('validate blew up');
        },
      }),
    );
    const error = await rejection(registry.validateWork(validDockerWork()));
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ pluginName: 'picky', operation: 'validate', code: 'PLUGIN' });
    expect((error as PluginError).cause).toBeInstanceOf(TypeError);
  });
});

describe('EnhancedWorkRegistry.execute', () => {
  it('does not run an invalid work', async () => {
    const { registry, executor } = registryWith(async () => succeeded());
    const error = await rejection(registry.execute(plainWork('plain', { executor_config: { n: 'one' } })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(executor.calls.execute).toBe(0);
  });

  it('passes the work and its context to the executor and returns its result', async () => {
    const seen: unknown[] = [];
    const { registry } = registryWith(async (work, ctx) => {
      seen.push(work.id, ctx.runId);
      return succeeded({ answer: 42 });
    });
    const result = await registry.execute(plainWork(), { runId: 'run-7' });
    expect(result.success).toBe(true);
    expect(result.outputs).toEqual({ answer: 42 });
    expect(seen).toEqual(['w-1', 'run-7']);
  });

  it('fills the metrics, outputs and logs an executor left out', async () => {
    const { registry } = registryWith(async () => ({ success: true }) as WorkResult);
    const result = await registry.execute(plainWork());
    expect(result.outputs).toEqual({});
    expect(result.logs).toEqual([]);
    expect(isIso(result.metrics.startedAt)).toBe(true);
    expect(isIso(result.metrics.finishedAt)).toBe(true);
    expect(result.metrics.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.metrics.attempts).toBe(1);
    expect(Date.parse(result.metrics.finishedAt)).toBeGreaterThanOrEqual(
      Date.parse(result.metrics.startedAt),
    );
  });

  it('keeps the metrics an executor reports, its own figures included', async () => {
    const { registry } = registryWith(async () => {
      const result = succeeded();
      result.metrics.exitCode = 0;
      result.metrics.attempts = 3;
      return result;
    });
    const result = await registry.execute(plainWork(), {}, { signal: new AbortController().signal });
    expect(result.metrics).toMatchObject({ exitCode: 0, attempts: 3 });
  });

  it('gives a failed work without an error message a default one', async () => {
    const { registry } = registryWith(async () => ({ ...succeeded(), success: false }));
    const result = await registry.execute(plainWork());
    expect(result).toMatchObject({ success: false, error: 'the work failed' });
  });

  it('streams onLog entries live, in order, with a timeout set', async () => {
    const entry = (message: string): LogEntry => ({
      timestamp: new Date().toISOString(),
      level: 'info',
      message,
    });
    const live: string[] = [];
    const { registry } = registryWith(async (_w, _c, options) => {
      options.onLog?.(entry('one'));
      await delay(1);
      expect(live).toEqual(['one']);
      options.onLog?.(entry('two'));
      return succeeded();
    });
    await registry.execute(
      plainWork('plain', { timeout: '10s' }),
      {},
      { onLog: (e) => live.push(e.message) },
    );
    expect(live).toEqual(['one', 'two']);
  });

  describe('work.timeout', () => {
    it('aborts the signal with a TimeoutError, waits for cleanup, and resolves success:false', async () => {
      const log: string[] = [];
      let reason: unknown;
      const { registry } = registryWith(async (work, ctx, options) => {
        options.signal?.addEventListener('abort', () => {
          reason = options.signal?.reason;
        });
        return cooperative(log)(work, ctx, options);
      });
      const result = await registry.execute(plainWork('plain', { timeout: '50ms' }));
      expect(log).toEqual(['started', 'aborted: TimeoutError', 'cleaned up']);
      expect(reason).toBeInstanceOf(TimeoutError);
      expect((reason as TimeoutError).timeoutMs).toBe(50);
      expect(result.success).toBe(false);
      expect(result.error).toBe('timed out after 50ms');
      expect(result.metrics.timedOut).toBe(true);
      expect(result.metrics.durationMs).toBeGreaterThanOrEqual(45);
    });

    it('accepts a timeout in milliseconds', async () => {
      const log: string[] = [];
      const { registry } = registryWith(cooperative(log));
      const result = await registry.execute(plainWork('plain', { timeout: 50 }));
      expect(result).toMatchObject({ success: false, error: 'timed out after 50ms' });
      expect(log.at(-1)).toBe('cleaned up');
    });

    it('keeps what an executor reports when it resolves success:false on its timeout', async () => {
      const { registry } = registryWith(async (_w, _c, options) => {
        await aborted(options.signal);
        return { ...succeeded({ partial: true }), success: false, error: 'killed' };
      });
      const result = await registry.execute(plainWork('plain', { timeout: '30ms' }));
      expect(result).toMatchObject({
        success: false,
        error: 'timed out after 30ms',
        outputs: { partial: true },
      });
    });

    it('reports a work that finished before its timeout took effect as it finished (success kept)', async () => {
      const { registry } = registryWith(async (_w, _c, options) => {
        // the work is done; its cleanup outlasts the timeout and ignores the abort
        await aborted(options.signal);
        await delay(10);
        return succeeded({ exit_code: 0 });
      });
      const result = await registry.execute(plainWork('plain', { timeout: '20ms' }));
      expect(result).toMatchObject({ success: true, outputs: { exit_code: 0 } });
      expect(result.error).toBeUndefined();
      expect(result.metrics.timedOut).toBeUndefined();
    });

    it('does not fire when the work finishes in time', async () => {
      const { registry } = registryWith(async () => {
        await delay(10);
        return succeeded({ done: true });
      });
      const result = await registry.execute(plainWork('plain', { timeout: '1m30s' }));
      expect(result).toMatchObject({ success: true, outputs: { done: true } });
    });

    it('refuses a timeout beyond the one maximum (596h) instead of firing it at once', async () => {
      const { registry } = registryWith(async () => succeeded());
      await expect(registry.execute(plainWork('plain', { timeout: '720h' }))).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [{ path: 'timeout', message: 'must be at most 596h' }],
      });
    });

    it('abandons an executor that ignores the abort after abortGraceMs, and says so', async () => {
      const { registry } = registryWith(() => never(), { abortGraceMs: 30 });
      const started = Date.now();
      const result = await registry.execute(plainWork('plain', { timeout: '20ms' }));
      expect(result.success).toBe(false);
      expect(result.error).toBe('timed out after 20ms (the executor did not stop in time and was abandoned)');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('cancellation through options.signal', () => {
    it('rejects with AbortError once the executor has cleaned up', async () => {
      const log: string[] = [];
      const { registry } = registryWith(cooperative(log));
      const controller = new AbortController();
      const running = registry.execute(plainWork(), {}, { signal: controller.signal });
      await delay(10);
      controller.abort();
      const error = await rejection(running);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).code).toBe('ABORTED');
      expect(log).toEqual(['started', 'aborted: AbortError', 'cleaned up']);
    });

    it('rejects with AbortError even when the executor resolves after the abort', async () => {
      const { registry } = registryWith(async (_w, _c, options) => {
        await aborted(options.signal);
        return { ...succeeded(), success: false, error: 'stopped' };
      });
      const controller = new AbortController();
      const running = registry.execute(
        plainWork('plain', { timeout: '10s' }),
        {},
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 10);
      expect(await rejection(running)).toBeInstanceOf(AbortError);
    });

    it('does not start a work whose signal is already aborted', async () => {
      const { registry, executor } = registryWith(async () => succeeded());
      const error = await rejection(registry.execute(plainWork(), {}, { signal: AbortSignal.abort() }));
      expect(error).toBeInstanceOf(AbortError);
      expect(executor.calls.execute).toBe(0);
    });

    it('abandons an executor that ignores the abort after abortGraceMs', async () => {
      const { registry } = registryWith(() => never(), { abortGraceMs: 30 });
      const controller = new AbortController();
      const running = registry.execute(plainWork(), {}, { signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      const started = Date.now();
      const error = await rejection(running);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toContain('abandoned');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('stops forwarding log entries from an abandoned executor once the work is over', async () => {
      let emit: ((message: string) => void) | undefined;
      const { registry } = registryWith(
        async (_w, _c, options) => {
          emit = (message) =>
            options.onLog?.({ timestamp: new Date().toISOString(), level: 'info', message });
          return never();
        },
        { abortGraceMs: 10 },
      );
      const live: string[] = [];
      const result = await registry.execute(
        plainWork('plain', { timeout: '10ms' }),
        {},
        { onLog: (e) => live.push(e.message) },
      );
      expect(result.success).toBe(false);
      emit?.('too late');
      expect(live).toEqual([]);
    });
  });

  describe('executor failures', () => {
    it.each<[string, ExecuteOptions]>([
      ['without options', {}],
      ['with a signal', { signal: new AbortController().signal }],
    ])(
      'turns a plain Error into a PluginError naming the plugin and operation execute (%s)',
      async (_n, options) => {
        const cause = new Error('socket hang up');
        const { registry } = registryWith(async () => {
          throw cause;
        });
        const error = await rejection(registry.execute(plainWork(), {}, options));
        expect(error).toBeInstanceOf(PluginError);
        expect(error).toMatchObject({ pluginName: 'fake', operation: 'execute', code: 'PLUGIN', cause });
        expect((error as Error).message).toBe('[ubom] plugin "fake" failed in execute: socket hang up');
      },
    );

    it.each<[string, Partial<Work>]>([
      ['on the fast path', {}],
      ['with a timeout', { timeout: '10s' }],
    ])('turns a synchronous throw from execute into a PluginError (%s)', async (_n, extra) => {
      const registry = new EnhancedWorkRegistry();
      const executor = new FakeExecutor({ schema: plainSchema('plain') });
      executor.execute = () => {
        throw new Error('sync boom');
      };
      registry.registerExecutor('plain', executor);
      const error = await rejection(registry.execute(plainWork('plain', extra)));
      expect(error).toBeInstanceOf(PluginError);
      expect((error as PluginError).operation).toBe('execute');
    });

    it('passes a UbomError from the executor through as is (it could not be attempted)', async () => {
      const unavailable = new UnavailableError('daemon not reachable', { scope: 'docker' });
      const { registry } = registryWith(async () => {
        throw unavailable;
      });
      const error = await rejection(registry.execute(plainWork()));
      expect(error).toBe(unavailable);
      expect((error as UnavailableError).retryable).toBe(true);
    });

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
      ['an object without success', { outputs: {} }],
      ['a string success', { success: 'yes' }],
    ])('turns a result that is %s into a PluginError', async (_n, garbage) => {
      for (const extra of [{}, { timeout: '10s' }]) {
        const { registry } = registryWith(async () => garbage as WorkResult);
        const error = await rejection(registry.execute(plainWork('plain', extra)));
        expect(error).toBeInstanceOf(PluginError);
        expect((error as PluginError).operation).toBe('execute');
      }
    });

    it.each<[string, Partial<Work>]>([
      ['on the fast path', {}],
      ['with a timeout', { timeout: '10s' }],
    ])('repairs or refuses malformed parts of a result without a raw TypeError (%s)', async (_n, extra) => {
      const { registry } = registryWith(
        async () => ({ success: true, outputs: 'x', logs: 'y', metrics: 'z' }) as unknown as WorkResult,
      );
      const result = await registry.execute(plainWork('plain', extra));
      expect(result.outputs).toEqual({});
      expect(result.logs).toEqual([]);
      expect(result.metrics.attempts).toBe(1);
    });

    it('accepts a frozen result from the executor', async () => {
      const frozen = Object.freeze({ success: true, outputs: {}, logs: [] }) as unknown as WorkResult;
      const { registry } = registryWith(async () => frozen);
      const result = await registry.execute(plainWork());
      expect(result.success).toBe(true);
      expect(result.metrics.attempts).toBe(1);
    });

    it('keeps working for other works after an executor failed', async () => {
      let calls = 0;
      const { registry } = registryWith(async () => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return succeeded({ calls });
      });
      expect(await rejection(registry.execute(plainWork()))).toBeInstanceOf(PluginError);
      expect((await registry.execute(plainWork())).outputs).toEqual({ calls: 2 });
    });

    it('a throwing onLog consumer does not fail the work', async () => {
      const { registry } = registryWith(async (_w, _c, options) => {
        options.onLog?.({ timestamp: new Date().toISOString(), level: 'info', message: 'hello' });
        return succeeded({ after: true });
      });
      const onLog = () => {
        throw new Error('consumer bug');
      };
      for (const extra of [{}, { timeout: '10s' }]) {
        const result = await registry.execute(plainWork('plain', extra), {}, { onLog });
        expect(result.outputs).toEqual({ after: true });
      }
    });
  });

  it('works with any object implementing EnhancedWorkExecutor, not only BasePlugin', async () => {
    const executor: EnhancedWorkExecutor = {
      execute: async () => succeeded({ plain: true }),
      validate: () => {},
      getSchema: () => plainSchema('bare'),
      getMetadata: () => ({
        name: 'bare',
        description: '',
        version: '1',
        capabilities: { cancel: false, streamLogs: false, dryRun: false },
      }),
      canExecute: (type) => type === 'bare',
      getSupportedTypes: () => ['bare'],
    };
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('bare', executor);
    expect((await registry.execute(plainWork('bare'))).outputs).toEqual({ plain: true });
  });
});
