import { randomUUID } from 'node:crypto';
import { describeExecutorConformance } from '@ubom/testkit';
import { createPlugin } from '../src';
import { countMarked } from './support/processes';

const mark = randomUUID();
const environment = { UBOM_TEST_MARK: mark };
const work = (id: string, config: Record<string, unknown>) => ({
  id,
  type: 'process',
  executor_config: { environment, ...config },
});
const secret = `s3cret-${randomUUID()}`;

describeExecutorConformance({
  name: 'process',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({});
    return plugin;
  },
  works: {
    valid: work('valid', { command: ['sh', '-c', 'echo one; echo two >&2; echo three'] }),
    expectedLines: ['one', 'three'],
    long: work('long', {
      command: ['sh', '-c', 'echo started; sleep 60 & sleep 60; wait'],
      kill_grace_period: '2s',
    }),
    withSecret: {
      secret,
      work: work('secret', {
        command: [
          'sh',
          '-c',
          'echo "token=$TOKEN"; echo "$TOKEN" >&2; printf %s "$TOKEN" | base64; echo "{\\"t\\":\\"$TOKEN\\"}"',
        ],
        secret_environment: { TOKEN: secret },
        output: 'json',
      }),
    },
  },
  invalidConfigs: [
    { config: { command: 42 }, path: 'executor_config.command' },
    { config: { command: [] }, path: 'executor_config.command' },
    { config: { comand: ['ls'] }, path: 'executor_config.comand', message: /did you mean "command"/ },
    {
      config: { command: 'ls -l' },
      path: 'executor_config.command',
      message: /shell/,
      title: 'a string command without shell',
    },
    { config: { command: ['ls'], timeout: 'soon' }, path: 'executor_config.timeout' },
    { config: { command: ['ls'], output: 'yaml' }, path: 'executor_config.output' },
    { config: { command: ['ls'], environment: { 'NOT-A-NAME': 'x' } }, path: 'executor_config.environment' },
    {
      config: { command: ['ubom-no-such-command'] },
      path: 'executor_config.command[0]',
      message: /not found on PATH/,
    },
    {
      config: { command: ['ls'], cwd: '/ubom/no/such/dir' },
      path: 'executor_config.cwd',
      message: /does not exist/,
    },
  ],
  leftovers: () => countMarked('UBOM_TEST_MARK', mark),
  cancelWithinMs: 5000,
});
