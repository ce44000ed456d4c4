import { randomUUID } from 'node:crypto';
import type { Work } from '@ubom/core';
import { describeExecutorConformance } from '@ubom/testkit';
import { createPlugin, type UbomTemplateExecutor, WORK_TYPE } from '../src';

// The shared UBOM conformance suite: schema, types, running, invalid configs, live logs,
// cancellation, work.timeout, secrets and shutdown. Keep it passing as the plugin grows.
const work = (id: string, executor_config: Record<string, unknown>): Work => ({
  id,
  type: WORK_TYPE,
  executor_config,
});
const secret = `s3cret-${randomUUID()}`;
let plugin: UbomTemplateExecutor | undefined;

describeExecutorConformance({
  name: WORK_TYPE,
  createExecutor: async () => {
    plugin = createPlugin();
    await plugin.initialize({});
    return plugin;
  },
  works: {
    valid: work('valid', { message: 'hello', repeat: 2, delay: '10ms' }),
    expectedLines: ['hello', 'hello'],
    // Runs for 100 s unless stopped; prints its first line at once.
    long: work('long', { message: 'tick', repeat: 100, delay: '1s' }),
    withSecret: {
      secret,
      work: work('secret', { message: `the token is ${secret}`, token: secret, delay: '10ms' }),
    },
  },
  invalidConfigs: [
    { config: {}, path: 'executor_config.message' },
    { config: { message: 42 }, path: 'executor_config.message' },
    { config: { mesage: 'hi' }, path: 'executor_config.mesage', message: /did you mean "message"/ },
    { config: { message: 'hi', transform: 'shout' }, path: 'executor_config.transform' },
    { config: { message: 'hi', repeat: 0 }, path: 'executor_config.repeat' },
    { config: { message: 'hi', delay: 'soon' }, path: 'executor_config.delay' },
    {
      config: { message: 'hi', repeat: 1000, delay: '1m' },
      path: 'executor_config.repeat',
      message: /must stay under/,
      title: 'a run longer than MAX_RUN_MS',
    },
  ],
  // Nothing may outlive its work: no work still running once it has settled.
  leftovers: () => plugin?.activeWorks ?? 0,
  cancelWithinMs: 2000,
});
