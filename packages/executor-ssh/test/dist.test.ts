import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

// what is published: the built ESM and CJS files (turbo builds before it tests)
const require = createRequire(import.meta.url);
type Built = typeof import('../src');
// paths in variables: the typecheck does not need a build
const ESM = '../dist/index.js';
const CJS = '../dist/index.cjs';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(() => sshd?.stop());

describe.each([
  ['ESM', async () => (await import(ESM)) as Built],
  ['CJS', async () => require(CJS) as Built],
])('the built package (%s)', (_format, load) => {
  it('runs a work, exports its schema and names its plugin', async () => {
    const built = await load();
    const plugin = built.createPlugin();
    await plugin.initialize({});
    try {
      const result = await plugin.execute({
        id: 'dist',
        type: built.SSH_WORK_TYPE,
        executor_config: { ...target(sshd), command: ['echo', 'built'] },
      });
      expect(result.outputs.stdout).toBe('built\n');
      expect(plugin.getPluginInfo().name).toBe('@ubom/executor-ssh');
      expect(built.sshConfigJsonSchema).toMatchObject({ properties: { host: { type: 'string' } } });
    } finally {
      await plugin.shutdown();
    }
  });
});
