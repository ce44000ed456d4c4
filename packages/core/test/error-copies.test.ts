import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../src';
import { BasePlugin, EnhancedWorkRegistry } from '../src';

// A second copy of the error classes, as a plugin installed with its own @ubom/core brings them.
const dir = mkdtempSync(join(tmpdir(), 'ubom-core-copy-'));
copyFileSync(new URL('../src/errors.ts', import.meta.url), join(dir, 'errors.ts'));
const other = (await import(join(dir, 'errors.ts'))) as typeof import('../src/errors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errors from another copy of @ubom/core', () => {
  it('are instances of the same classes, and only of those', () => {
    expect(other.ValidationError).not.toBe(core.ValidationError);
    const refusal = other.ValidationError.single('executor_config.x', 'is wrong');
    expect(refusal).toBeInstanceOf(core.ValidationError);
    expect(refusal).toBeInstanceOf(core.UbomError);
    expect(refusal).not.toBeInstanceOf(core.PluginError);
    expect(core.isUbomError(refusal)).toBe(true);
    expect(new other.AbortError()).toBeInstanceOf(core.AbortError);
    expect(new other.TimeoutError('late', 5)).toBeInstanceOf(core.TimeoutError);
    expect(new other.TimeoutError('late', 5)).not.toBeInstanceOf(core.AbortError);
    // and the other way round
    expect(core.ValidationError.single('a', 'b')).toBeInstanceOf(other.UbomError);
    // a plain Error, or an error class of the same name that is not UBOM's, is not one
    class ValidationError extends Error {}
    expect(new ValidationError('x')).not.toBeInstanceOf(core.ValidationError);
    expect(new Error('x')).not.toBeInstanceOf(core.UbomError);
    expect({ name: 'ValidationError' }).not.toBeInstanceOf(core.ValidationError);
  });

  it('pass through the registry as they are: a refusal stays a ValidationError, not a PluginError', async () => {
    class Refuses extends BasePlugin {
      override validate(): void {
        throw other.ValidationError.single('executor_config.repeat', 'must stay under 10');
      }
      async execute(): Promise<core.WorkResult> {
        throw new Error('not reached');
      }
    }
    const registry = new EnhancedWorkRegistry();
    const metadata = { name: 'refuses', description: 'd', version: '1.0.0', capabilities: {} };
    const schema = { type: 'refuses', version: '1.0.0', config: { type: 'object' } };
    registry.registerExecutor(
      'refuses',
      new Refuses({ name: 'refuses', version: '1.0.0', apiVersion: 1 }, metadata as never, schema),
    );
    const error = await registry
      .execute({ id: 'w', type: 'refuses', executor_config: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(core.ValidationError);
    expect((error as core.ValidationError).issues).toEqual([
      { path: 'executor_config.repeat', message: 'must stay under 10' },
    ]);
  });
});
