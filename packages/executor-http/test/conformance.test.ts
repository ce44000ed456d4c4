import { describeExecutorConformance } from '@ubom/testkit';
import { afterAll } from 'vitest';
import { createPlugin, type HttpClients } from '../src';
import { startServer } from './support/server';

// the works name the servers' addresses, so the servers start before the suite is declared
const server = await startServer();
afterAll(() => server.close());

const secret = 'conformance-b3arer-5ecret-91d2';
const work = (id: string, config: Record<string, unknown>) => ({ id, type: 'http', executor_config: config });
// the state of the plugin under test: its counters still answer after shutdown()
let state: HttpClients | undefined;

describeExecutorConformance({
  name: 'http',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({});
    state = plugin.state;
    return plugin;
  },
  works: {
    valid: work('valid', { url: `${server.origin}/echo`, query: { q: 'conformance' } }),
    // headers at once, then a byte every 100 ms for a minute
    long: work('long', { url: `${server.origin}/slow?ms=60000` }),
    withSecret: {
      secret,
      // the server echoes the Authorization header back in its JSON body
      work: work('secret', { url: `${server.origin}/echo`, auth: { type: 'bearer', token: secret } }),
    },
  },
  invalidConfigs: [
    { config: {}, path: 'executor_config.url' },
    { config: { url: 'ftp://example.com/file' }, path: 'executor_config.url', message: /http/ },
    { config: { urll: 'http://x' }, path: 'executor_config.urll', message: /did you mean "url"/ },
    { config: { url: server.origin, method: 'FETCH' }, path: 'executor_config.method' },
    { config: { url: server.origin, timeout: 'soon' }, path: 'executor_config.timeout' },
    {
      config: { url: server.origin, method: 'POST', body: { json: {}, text: 'x' } },
      path: 'executor_config.body',
      message: /exactly one/,
      title: 'a body of two kinds',
    },
    {
      config: { url: server.origin, body: { text: 'x' } },
      path: 'executor_config.body',
      message: /GET request has no body/,
      title: 'a body on a GET',
    },
    { config: { url: 'http://user:pw@example.com/' }, path: 'executor_config.url', message: /credentials/ },
    { config: { url: server.origin, headers: { 'bad header': 'x' } }, path: 'executor_config.headers' },
    { config: { url: server.origin, auth: { type: 'digest' } }, path: 'executor_config.auth' },
    {
      config: { url: server.origin, auth: { type: 'basic', username: 'u' } },
      path: 'executor_config.auth.password',
    },
    {
      config: { url: server.origin, retry: { max_attempts: 0 } },
      path: 'executor_config.retry.max_attempts',
    },
    {
      config: { url: server.origin, max_response_bytes: 'lots' },
      path: 'executor_config.max_response_bytes',
    },
    { config: { url: server.origin, success_status: ['2xxx'] }, path: 'executor_config.success_status' },
    { config: { url: server.origin, tls: { client_cert: 'c.pem' } }, path: 'executor_config.tls.client_key' },
    { config: { url: server.origin, extract: { status: '/a' } }, path: 'executor_config.extract.status' },
    { config: { url: server.origin, extract: { id: 'data.id' } }, path: 'executor_config.extract' },
  ],
  // requests the server still has open, and works whose exchange has not finished
  leftovers: async () => (await server.settled()) + (state?.inFlight ?? 0),
  cancelWithinMs: 2000,
});
