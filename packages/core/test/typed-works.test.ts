import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CheckedWork, defineWork, EnhancedWorkRegistry, type Work } from '../src';

// what an executor package declares for its type (here a fixture type no other test uses)
interface FixtureConfigInput {
  image: string;
  command?: string[];
}
declare module '../src' {
  interface WorkTypes {
    'typed-fixture': FixtureConfigInput;
    'typed-union-fixture': { provider: 'a'; region?: string } | { provider: 'b'; project: string };
  }
}

describe('typed works (WorkTypes)', () => {
  it('a work of a declared type is checked at compile time; other types stay open', () => {
    const ok = defineWork({ id: 'a', type: 'typed-fixture', executor_config: { image: 'busybox' } });
    expectTypeOf(ok.executor_config.image).toEqualTypeOf<'busybox'>();
    // @ts-expect-error: a misspelled key is a compile error (and the required image is missing)
    defineWork({ id: 'b', type: 'typed-fixture', executor_config: { imag: 'busybox' } });
    // @ts-expect-error: an unknown key beside a valid config is a compile error too
    defineWork({ id: 'c', type: 'typed-fixture', executor_config: { image: 'x', comand: ['true'] } });
    // @ts-expect-error: a wrong type
    defineWork({ id: 'd', type: 'typed-fixture', executor_config: { image: 42 } });
    // a union config (one member per provider): each member's own keys are allowed, others are not
    defineWork({ id: 'u', type: 'typed-union-fixture', executor_config: { provider: 'a', region: 'r' } });
    defineWork({ id: 'u', type: 'typed-union-fixture', executor_config: { provider: 'b', project: 'p' } });
    // @ts-expect-error: `regoin` is a key of no member
    defineWork({ id: 'u', type: 'typed-union-fixture', executor_config: { provider: 'a', regoin: 'r' } });
    // a third-party type nobody declared is allowed as it is
    const open = defineWork({ id: 'e', type: 'my-thing', executor_config: { anything: 1 } });
    expectTypeOf(open.type).toEqualTypeOf<'my-thing'>();
    // a work typed as plain Work (read from a file) is not narrowed
    const read: Work = JSON.parse('{"id":"f","type":"typed-fixture","executor_config":{}}');
    expectTypeOf<CheckedWork<Work>>().toEqualTypeOf<Work>();
    expect(read.id).toBe('f');
  });

  it('registry.execute and validateWork check works the same way', async () => {
    const registry = new EnhancedWorkRegistry();
    const rejected = (p: Promise<unknown>) => p.catch((e: unknown) => e);
    // @ts-expect-error: `imag` is not a key of the fixture config
    await rejected(registry.execute({ id: 'x', type: 'typed-fixture', executor_config: { imag: 'x' } }));
    // @ts-expect-error: same for validateWork
    await rejected(registry.validateWork({ id: 'x', type: 'typed-fixture', executor_config: { imag: 'x' } }));
    const error = await rejected(
      registry.execute({ id: 'y', type: 'typed-fixture', executor_config: { image: 'x' } }),
    );
    expect((error as Error).message).toMatch(/no executor for type "typed-fixture"/);
  });
});
