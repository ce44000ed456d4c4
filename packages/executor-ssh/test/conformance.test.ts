import { randomUUID } from 'node:crypto';
import { describeExecutorConformance } from '@ubom/testkit';
import { afterAll, beforeAll } from 'vitest';
import { createPlugin } from '../src';
import { countRemoteMarked } from './support/processes';
import { startSshd, type TestSshd } from './support/sshd';

const mark = randomUUID();
const secret = `s3cret-${randomUUID()}`;
let sshd: TestSshd;
const connection: Record<string, unknown> = {};

// the works are read when each test runs: the server's port and keys are filled in by beforeAll
const work = (id: string, config: Record<string, unknown>) => ({
  id,
  type: 'ssh',
  get executor_config() {
    return { ...connection, environment: { UBOM_TEST_MARK: mark }, ...config };
  },
});

beforeAll(async () => {
  sshd = await startSshd();
  Object.assign(connection, {
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    private_key: sshd.privateKey,
    host_key: sshd.fingerprints['ssh-ed25519'],
  });
});
afterAll(() => sshd?.stop());

describeExecutorConformance({
  name: 'ssh',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({});
    return plugin;
  },
  works: {
    valid: work('valid', { command: ['sh', '-c', 'echo one; echo two >&2; echo three'] }),
    expectedLines: ['one', 'three'],
    long: work('long', { command: 'echo started; sleep 30 & sleep 30; wait', kill_grace_period: '2s' }),
    withSecret: {
      secret,
      work: work('secret', {
        command: 'echo "token=$TOKEN"; echo "$TOKEN" >&2; printf %s "$TOKEN" | base64',
        secret_environment: { TOKEN: secret },
      }),
    },
  },
  invalidConfigs: [
    { config: { host: 'h', username: 'u', password: 'p', command: 42 }, path: 'executor_config.command' },
    { config: { host: 'h', username: 'u', password: 'p', command: [] }, path: 'executor_config.command' },
    {
      config: { host: 'h', username: 'u', password: 'p', comand: 'ls' },
      path: 'executor_config.comand',
      message: /did you mean "command"/,
    },
    {
      config: { host: 'h', username: 'u', command: 'ls' },
      path: 'executor_config',
      message: /private_key, password or agent/,
      title: 'a work without any way to authenticate',
    },
    {
      config: { host: 'h', username: 'u', password: 'p', command: 'ls', port: 70000 },
      path: 'executor_config.port',
    },
    {
      config: { host: 'h', username: 'u', password: 'p', command: 'ls', host_key: 'MD5:aa:bb' },
      path: 'executor_config.host_key',
    },
    {
      config: { host: 'h', username: 'u', password: 'p', command: 'ls', timeout: 'soon' },
      path: 'executor_config.timeout',
    },
  ],
  leftovers: () => countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark),
  cancelWithinMs: 5000,
});
