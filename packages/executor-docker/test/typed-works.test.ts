import { defineWork, EnhancedWorkRegistry, type Work } from '@ubom/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createPlugin } from '../src';

// Importing the package declares `docker` in core's WorkTypes: docker works written in TypeScript are
// checked at compile time (`tsc --noEmit` runs over this file; the @ts-expect-error lines fail it if
// the typo compiled).
describe('typed docker works', () => {
  it('a misspelled or mistyped key is a compile error; a right config compiles', () => {
    const ok = defineWork({
      id: 'a',
      type: 'docker',
      executor_config: { image: 'busybox', command: ['true'], timeout: '5s' },
    });
    expectTypeOf(ok.executor_config.image).toEqualTypeOf<'busybox'>();
    // @ts-expect-error: `imag` is not a key of the docker config (and `image` is missing)
    defineWork({ id: 'b', type: 'docker', executor_config: { imag: 'busybox' } });
    // @ts-expect-error: an unknown key beside a valid config
    defineWork({ id: 'c', type: 'docker', executor_config: { image: 'busybox', comand: ['true'] } });
    // @ts-expect-error: a wrong type
    defineWork({ id: 'd', type: 'docker', executor_config: { image: 42 } });
    // the kernel's keys are part of every config: timeout (above) and propagate_trace
    defineWork({ id: 'p', type: 'docker', executor_config: { image: 'busybox', propagate_trace: false } });
    // @ts-expect-error: propagate_trace is a boolean
    defineWork({ id: 'q', type: 'docker', executor_config: { image: 'busybox', propagate_trace: 'no' } });
    // other types stay open
    defineWork({ id: 'e', type: 'not-declared', executor_config: { imag: 'x' } });
  });

  it('registry.execute and validateWork refuse the typo at compile time too', async () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('docker', createPlugin());
    const work = { id: 'x', type: 'docker', executor_config: { imag: 'busybox' } } as const;
    // @ts-expect-error: `imag` is not a key of the docker config
    const error = await registry.validateWork(work).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/imag/);
    // a work read from a file (plain Work) is not narrowed: checked at run time only
    const read: Work = JSON.parse(JSON.stringify(work));
    await expect(registry.validateWork(read)).rejects.toThrow(/imag/);
  });
});
