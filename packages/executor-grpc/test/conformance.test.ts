import { describeExecutorConformance } from '@ubom/testkit';
import { afterAll } from 'vitest';
import { createPlugin, type GrpcState } from '../src';
import { startServer } from './helpers';

// the works name the servers' addresses, so the servers start before the suite is declared
const server = await startServer();
const echoing = await startServer({ echoAuthorization: true });
afterAll(async () => {
  await Promise.all([server.stop(), echoing.stop()]);
});

const secret = 'Bearer conformance-s3cret-7f3a9d';
const base = { endpoint: server.address, tls: { enabled: false } };
const work = (id: string, config: Record<string, unknown>) => ({ id, type: 'grpc', executor_config: config });
// the state of the plugin under test: its pool still answers after shutdown() (then empty)
let state: GrpcState | undefined;

describeExecutorConformance({
  name: 'grpc',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({});
    state = plugin.state;
    return plugin;
  },
  works: {
    valid: work('valid', {
      ...base,
      method: 'demo.v1.Echo/ServerStream',
      request: { message: 'line', repeat: 2 },
    }),
    // never answers unless cancelled
    long: work('long', { ...base, method: 'demo.v1.Echo/Sleep', request: { delay_ms: -1 } }),
    withSecret: {
      secret: 'conformance-s3cret-7f3a9d',
      // the server puts the authorization header into its answers, streamed and returned
      work: work('secret', {
        endpoint: echoing.address,
        tls: { enabled: false },
        method: 'demo.v1.Echo/ServerStream',
        request: { repeat: 2 },
        metadata: { authorization: secret },
      }),
    },
  },
  invalidConfigs: [
    { config: { ...base }, path: 'executor_config.method' },
    {
      config: { ...base, method: 'Echo.Unary' },
      path: 'executor_config.method',
      message: /package\.Service\/Method/,
    },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', endpont: 'x' },
      path: 'executor_config.endpont',
      message: /did you mean "endpoint"/,
    },
    { config: { ...base, method: 'demo.v1.Echo/Unary', timeout: 'soon' }, path: 'executor_config.timeout' },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', retry: { max_attempts: 0 } },
      path: 'executor_config.retry.max_attempts',
    },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', retry: { retryable_codes: ['UNAVAILBLE'] } },
      path: 'executor_config.retry.retryable_codes[0]',
    },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', metadata: { Authorization: 'x' } },
      path: 'executor_config.metadata',
      title: 'an upper-case metadata key',
    },
    {
      config: {
        endpoint: server.address,
        method: 'demo.v1.Echo/Unary',
        tls: { enabled: false, ca_cert: 'x' },
      },
      path: 'executor_config.tls.ca_cert',
      message: /no effect/,
    },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', tls: { client_cert: 'c.pem' } },
      path: 'executor_config.tls.client_key',
      message: /required with client_cert/,
      title: 'client_cert without client_key',
    },
    {
      config: { ...base, method: 'demo.v1.Echo/Unary', proto_files: ['a.proto'], descriptor_set: 'b.pb' },
      path: 'executor_config.descriptor_set',
    },
  ],
  leftovers: () => state?.stats.inFlight ?? 0,
});
