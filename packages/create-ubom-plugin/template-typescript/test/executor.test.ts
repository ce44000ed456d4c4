import { createHmac } from 'node:crypto';
import { EnhancedWorkRegistry, type LogEntry } from '@ubom/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlugin, WORK_TYPE } from '../src';

// The plugin's own behaviour, through the registry as UBOM runs it.
const plugin = createPlugin();
const registry = new EnhancedWorkRegistry();
registry.registerExecutor(WORK_TYPE, plugin);
afterAll(() => plugin.shutdown());

const run = (executor_config: Record<string, unknown>, onLog?: (entry: LogEntry) => void) =>
  registry.execute({ id: 'test', type: WORK_TYPE, executor_config }, {}, onLog ? { onLog } : {});

describe(WORK_TYPE, () => {
  it('prints the transformed message once per repeat and returns it', async () => {
    const lines: string[] = [];
    const result = await run({ message: 'Hello', transform: 'upper', repeat: 3, delay: 5 }, (entry) => {
      if (entry.source === 'stdout') lines.push(entry.message);
    });
    expect(result.success).toBe(true);
    expect(lines).toEqual(['HELLO', 'HELLO', 'HELLO']);
    expect(result.outputs).toEqual({ message: 'HELLO', lines: 3 });
  });

  it('signs the message with the secret token without showing the token', async () => {
    const token = 'a-long-enough-secret-token';
    const result = await run({ message: 'abc', transform: 'reverse', repeat: 1, token });
    expect(result.outputs.signature).toBe(createHmac('sha256', token).update('cba').digest('hex'));
    expect(JSON.stringify(result)).not.toContain(token);
  });
});
