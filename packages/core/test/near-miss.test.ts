import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExecutor, EnhancedWorkRegistry, type ValidationError, type Work } from '../src';

const plugin = defineExecutor({
  name: 'ubom-plugin-cmd',
  version: '1.0.0',
  type: 'cmd',
  description: 'needs a command',
  config: z.object({ command: z.array(z.string()), cwd: z.string().optional() }).strict(),
  async run() {
    return {};
  },
});
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('cmd', plugin());
const issuesOf = async (work: unknown) =>
  ((await registry.validateWork(work as Work).catch((e: unknown) => e)) as ValidationError).issues;

describe('validation output', () => {
  it('a misspelled required key is one problem, not "missing" plus "unknown"', async () => {
    expect(await issuesOf({ id: 'w', type: 'cmd', executor_config: { comand: ['ls'] } })).toEqual([
      { path: 'executor_config.comand', message: 'unknown key — did you mean "command"?' },
    ]);
  });

  it('the executor called directly says the same (zod issues merged the same way)', async () => {
    const error = (await plugin()
      .execute({ id: 'w', type: 'cmd', executor_config: { comand: ['ls'] } })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues).toEqual([
      { path: 'executor_config.comand', message: 'unknown key — did you mean "command"?' },
    ]);
  });

  it('a near-miss type is reported and the config is still checked against that type', async () => {
    const issues = await issuesOf({ id: 'w', type: 'cmdd', executor_config: { command: 'ls', cwdd: '/' } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'type', message: 'unknown work type "cmdd" — did you mean "cmd"?' },
        { path: 'executor_config.cwdd', message: 'unknown key — did you mean "cwd"?' },
        expect.objectContaining({ path: 'executor_config.command' }),
      ]),
    );
  });

  it('a work file may carry "$schema" for editors', async () => {
    await expect(
      registry.validateWork({
        $schema: './work.schema.json',
        id: 'w',
        type: 'cmd',
        executor_config: { command: ['ls'] },
      }),
    ).resolves.toBeUndefined();
  });
});
