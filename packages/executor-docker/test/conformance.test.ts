import { randomUUID } from 'node:crypto';
import { describeExecutorConformance } from '@ubom/testkit';
import { createPlugin, type DockerState } from '../src';
import { countManaged, dockerWork, IMAGE } from './support/docker';

const secret = `s3cret-${randomUUID()}`;
/** The state of every executor the suite made: a finished work's container is removed just after its result. */
const made: DockerState[] = [];

describeExecutorConformance({
  name: 'docker',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({ sweep_orphans: false });
    made.push(plugin.state);
    return plugin;
  },
  works: {
    valid: dockerWork({ command: ['sh', '-c', 'echo one; echo two >&2; echo three'] }, 'valid'),
    expectedLines: ['one', 'three'],
    long: dockerWork({ command: ['sh', '-c', 'echo started; sleep 60'], stop_grace_period: '1s' }, 'long'),
    withSecret: {
      secret,
      work: dockerWork(
        {
          command: [
            'sh',
            '-c',
            'echo "token=$TOKEN"; echo "$TOKEN" >&2; printf %s "$TOKEN" | base64; printf "{\\"t\\":\\"%s\\"}" "$TOKEN" > /tmp/out.json; exit 1',
          ],
          secret_environment: { TOKEN: secret },
          auth: { username: 'robot', password: secret },
          outputs_file: '/tmp/out.json',
        },
        'secret',
      ),
    },
  },
  invalidConfigs: [
    { config: {}, path: 'executor_config.image', title: 'a missing image' },
    { config: { image: 'Not A/Reference' }, path: 'executor_config.image' },
    {
      config: { image: IMAGE, comand: ['true'] },
      path: 'executor_config.comand',
      message: /did you mean "command"/,
    },
    {
      config: { image: IMAGE, resources: { memory_limit: 'lots' } },
      path: 'executor_config.resources.memory_limit',
      message: /512m/,
    },
    {
      config: { image: IMAGE, resources: { cpu_limit: 'fast' } },
      path: 'executor_config.resources.cpu_limit',
    },
    { config: { image: IMAGE, pull_policy: 'sometimes' }, path: 'executor_config.pull_policy' },
    { config: { image: IMAGE, stop_grace_period: 'soon' }, path: 'executor_config.stop_grace_period' },
    {
      config: { image: IMAGE, labels: { 'ubom.managed': 'false' } },
      path: 'executor_config.labels',
      message: /reserved/,
      title: 'a reserved label',
    },
    { config: { image: IMAGE, auth: { password: 'x' } }, path: 'executor_config.auth.username' },
    {
      config: { image: IMAGE, volumes: [{ source: '/', target: '/host' }] },
      path: 'executor_config.volumes[0].source',
      message: /allow_dangerous_mounts/,
      title: 'a bind mount of /',
    },
    {
      config: { image: 'ubom-test/no-such-image:1', pull_policy: 'never' },
      path: 'executor_config.image',
      message: /not on the engine/,
      title: 'a missing image with pull_policy never',
    },
  ],
  leftovers: async () => {
    await Promise.all(made.map((state) => state.idle()));
    return countManaged();
  },
  cancelWithinMs: 8000,
});
