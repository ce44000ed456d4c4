import { describe, expect, it } from 'vitest';
import {
  BackwardCompatibilityAdapter,
  BasePlugin,
  ConflictError,
  type ExecuteOptions,
  NotFoundError,
  ValidationError,
  type Work,
  type WorkContext,
  WorkExecutionCore,
  type WorkExecutor,
  WorkFailedError,
  type WorkResult,
  type WorkType,
} from '../src';
import { dockerSchema, FakeExecutor, info, metadata, rejection, succeeded, validDockerWork } from './helpers';

/** The smallest plugin a third party writes: only `execute`. */
class EchoPlugin extends BasePlugin {
  async execute(work: Work, workContext: WorkContext, _options?: ExecuteOptions): Promise<WorkResult> {
    return succeeded({ id: work.id, runId: workContext.runId });
  }
}

describe('BasePlugin', () => {
  const plugin = new EchoPlugin(info('echo'), metadata('echo'), dockerSchema);

  it('serves the type of its schema, and only that one', () => {
    expect(plugin.getSupportedTypes()).toEqual(['docker']);
    expect(plugin.canExecute('docker')).toBe(true);
    expect(plugin.canExecute('grpc')).toBe(false);
  });

  it('returns the info, metadata and schema it was built with', () => {
    expect(plugin.getPluginInfo()).toEqual(info('echo'));
    expect(plugin.getMetadata()).toEqual(metadata('echo'));
    expect(plugin.getSchema()).toBe(dockerSchema);
  });

  it('has a lifecycle that does nothing by default and a validate that accepts', async () => {
    await expect(plugin.healthCheck()).resolves.toBeUndefined();
    await expect(plugin.shutdown()).resolves.toBeUndefined();
    expect(plugin.validate(validDockerWork())).toBeUndefined();
  });

  it('lets a subclass serve more types, and canExecute follows', () => {
    class Multi extends EchoPlugin {
      override getSupportedTypes(): WorkType[] {
        return ['docker', 'podman'];
      }
    }
    const multi = new Multi(info('multi'), metadata('multi'), dockerSchema);
    expect(multi.canExecute('podman')).toBe(true);
    expect(multi.canExecute('grpc')).toBe(false);
  });
});

describe('BackwardCompatibilityAdapter', () => {
  it('returns the outputs of a successful work', async () => {
    const adapter = new BackwardCompatibilityAdapter(
      new FakeExecutor({ run: async () => succeeded({ answer: 42 }) }),
    );
    expect(await adapter.execute(validDockerWork(), {})).toEqual({ answer: 42 });
  });

  it('throws WorkFailedError carrying the error and outputs of a failed work', async () => {
    const adapter = new BackwardCompatibilityAdapter(
      new FakeExecutor({
        run: async () => ({ ...succeeded({ exit_code: 3 }), success: false, error: 'exit code 3' }),
      }),
    );
    const error = await rejection(adapter.execute(validDockerWork(), {}));
    expect(error).toBeInstanceOf(WorkFailedError);
    expect(error).toMatchObject({ code: 'WORK_FAILED', outputs: { exit_code: 3 }, retryable: false });
    expect((error as Error).message).toBe('[ubom] exit code 3');
  });

  it('runs the executor validate first; its ValidationError propagates and nothing runs', async () => {
    const invalid = ValidationError.single('executor_config.image', 'no such image');
    const executor = new FakeExecutor({
      validate: () => {
        throw invalid;
      },
    });
    const adapter = new BackwardCompatibilityAdapter(executor);
    expect(await rejection(adapter.execute(validDockerWork(), {}))).toBe(invalid);
    expect(executor.calls).toEqual({ validate: 1, execute: 0 });
  });

  it('passes the work context through and answers canExecute like the executor', async () => {
    const seen: WorkContext[] = [];
    const executor = new FakeExecutor({
      run: async (_w, ctx) => {
        seen.push(ctx);
        return succeeded();
      },
    });
    const adapter = new BackwardCompatibilityAdapter(executor);
    await adapter.execute(validDockerWork(), { workflowId: 'wf', attempt: 2 });
    expect(seen).toEqual([{ workflowId: 'wf', attempt: 2 }]);
    expect(adapter.canExecute('docker')).toBe(true);
    expect(adapter.canExecute('grpc')).toBe(false);
  });
});

describe('WorkExecutionCore', () => {
  const legacy = (outputs: Record<string, unknown>, type = 'docker'): WorkExecutor => ({
    execute: async () => outputs,
    canExecute: (t) => t === type,
  });

  it('runs a work on the executor registered for its type', async () => {
    const core = new WorkExecutionCore();
    core.registerExecutor('docker', legacy({ from: 'docker' }));
    core.registerExecutor('grpc', legacy({ from: 'grpc' }, 'grpc'));
    expect(await core.execute(validDockerWork())).toEqual({ from: 'docker' });
    expect(await core.execute({ ...validDockerWork(), type: 'grpc' })).toEqual({ from: 'grpc' });
  });

  it('runs an enhanced executor through the adapter', async () => {
    const core = new WorkExecutionCore();
    core.registerExecutor(
      'docker',
      new BackwardCompatibilityAdapter(new FakeExecutor({ run: async () => succeeded({ ok: 1 }) })),
    );
    expect(await core.execute(validDockerWork(), { runId: 'r' })).toEqual({ ok: 1 });
  });

  it('rejects with NotFoundError for a type without an executor, or one that declines it', async () => {
    const core = new WorkExecutionCore();
    core.registerExecutor('docker', legacy({}, 'podman'));
    expect(await rejection(core.execute({ ...validDockerWork(), type: 'grpc' }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await rejection(core.execute(validDockerWork()))).toBeInstanceOf(NotFoundError);
  });

  it('refuses a second executor for a type', () => {
    const core = new WorkExecutionCore();
    core.registerExecutor('docker', legacy({}));
    expect(() => core.registerExecutor('docker', legacy({}))).toThrow(ConflictError);
  });
});
