import {
  BIG,
  checkHostileRuns,
  checkHostileWorks,
  hostileConfigs,
  hostileKeys,
  hostileRecord,
  hostileValues,
  nearlyValidConfigs,
  nested,
  withProto,
} from '@ubom/testkit/property';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Setup, setup } from './support/executor';
import { startServer, type TestServer } from './support/server';

/*
 * Random executor_configs (issue 12, "Tests that stay"): wrong types, huge strings, deep nesting,
 * `__proto__` keys, lone surrogates, NaN/Infinity, extreme durations and sizes. Through
 * registry.validateWork, and through execute against a real local HTTP server: never a crash nor a
 * hang, every rejection a UbomError whose issues carry paths.
 */

let server: TestServer;
let http: Setup;
beforeAll(async () => {
  server = await startServer();
  http = await setup();
});
afterAll(async () => {
  await http.plugin.shutdown();
  await server.close();
});

const { strings, durations, junk, secretJunk, secret } = hostileValues();
const scalar = fc.oneof(strings, fc.integer(), fc.double(), fc.boolean());
const params = hostileRecord(fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), junk));
const headerNames = hostileKeys([
  'accept',
  'content-type',
  'Host',
  'x\r\ny',
  'transfer-encoding',
  'bad name',
]);
const sizes = fc.oneof(
  fc.constantFrom('512k', '10m', '1g', '0', '99999999999g', '1.5m', '-1k'),
  durations,
  junk,
);

/** Credentials of every type, right and wrong; secrets never 1 MB (masking one costs seconds). */
const auth = (tokenUrl: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.record(
      {
        type: fc.constantFrom('basic', 'bearer', 'api_key', 'oauth2_client_credentials', 'digest'),
        username: fc.oneof(strings, junk),
        password: secret,
        token: secret,
        header: fc.oneof(fc.constantFrom('X-API-Key', 'bad name', ''), strings),
        value: secret,
        token_url: tokenUrl,
        client_id: fc.oneof(strings, junk),
        client_secret: secret,
        client_auth: fc.oneof(fc.constantFrom('basic', 'body', 'jwt'), junk),
      },
      { requiredKeys: ['type'] },
    ),
    secretJunk,
  );

/** Each key of `executor_config` but `url`, `auth`, `tls` and `output_file`: what execute may run. */
const requestFields = () => ({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE', 'get', 'FETCH'), junk),
  query: params,
  headers: hostileRecord(fc.oneof(strings, fc.constantFrom('a\r\nb', 'x\0'), junk), { keys: headerNames }),
  body: fc.oneof(
    fc.record(
      {
        json: fc.oneof(junk, fc.constant(nested(10_000, 'x')), fc.constant(nested(40, 'x'))),
        form: params,
        text: fc.oneof(strings, junk),
        base64: fc.oneof(fc.constantFrom('AAAA', '!!', '', 'QQ=='), strings, junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  success_status: fc.oneof(
    fc.array(fc.oneof(fc.constantFrom(200, '2xx', 99, 600, '6xx', '2XX', 404.5), junk), { maxLength: 3 }),
    junk,
  ),
  retry: fc.oneof(
    fc.record(
      {
        max_attempts: fc.oneof(fc.constantFrom(0, 1, 3, 10, 11), durations, junk),
        initial_delay: durations,
        max_delay: durations,
        backoff_multiplier: fc.oneof(fc.constantFrom(0.5, 1, 10, 11), durations, junk),
        retry_on: fc.oneof(fc.array(fc.constantFrom(503, 99, 600, 200), { maxLength: 3 }), junk),
        methods: fc.oneof(fc.array(fc.constantFrom('GET', 'POST', 'FETCH'), { maxLength: 3 }), junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  max_redirects: fc.oneof(fc.constantFrom(0, 10, 50, 51, -1), durations, junk),
  max_response_bytes: sizes,
  response_format: fc.oneof(fc.constantFrom('auto', 'json', 'text', 'base64', 'xml'), junk),
  extract: hostileRecord(
    fc.oneof(fc.constantFrom('/body', '/headers/host', '', 'no-slash', '/~2'), strings),
    {
      keys: hostileKeys(['user_id', 'Upper', 'with space']),
    },
  ),
  timeout: durations,
});
const origin = () => server.origin;
/** All of them, with hostile URLs, credentials, TLS files and output files: only validateWork gets these. */
const fields = () => ({
  url: fc.oneof(
    fc.constantFrom(`${origin()}/echo`, 'ftp://x/', 'http://', `http://${BIG}`, 'http://[::1', '/relative'),
    strings,
    junk,
  ),
  auth: auth(fc.oneof(fc.constantFrom(`${origin()}/token`, 'ftp://x', 'http://'), strings, junk)),
  tls: fc.oneof(
    fc.record(
      {
        ca_cert: fc.oneof(fc.constantFrom('/no/such.pem', '-----BEGIN CERTIFICATE-----\nx'), strings, junk),
        client_cert: fc.oneof(fc.constantFrom('/no/such.pem'), strings, junk),
        client_key: secret,
        client_key_passphrase: secret,
        server_name: fc.oneof(strings, junk),
        insecure_skip_verify: fc.oneof(fc.boolean(), junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  output_file: fc.oneof(fc.constantFrom('/no/such/dir/out', '/', 'rel.json'), strings, junk),
  ...requestFields(),
});

const valid = () => ({ url: `${origin()}/echo` });

describe('random http executor_configs (property)', () => {
  it('validateWork: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    const { accepted, refused } = await checkHostileWorks({
      type: 'http',
      check: (work) => http.registry.validateWork(work),
      configs: hostileConfigs(fields(), valid()),
      numRuns: 1500,
      examples: [
        { ...valid(), method: 'POST', body: { json: nested(10_000, 'x') } },
        { ...valid(), max_response_bytes: '99999999999g', timeout: '9999999999h' },
        { ...valid(), headers: withProto({ accept: 'x' }, 'y') },
        { ...valid(), auth: { type: 'bearer', token: '\uD800' } },
      ],
    });
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('execute against a real server (/echo, up to two keys changed): a WorkResult or a well-formed rejection', async () => {
    const run = nearlyValidConfigs(
      { ...requestFields(), auth: auth(fc.constant(`${origin()}/token`)) },
      { ...valid(), method: 'POST', body: { text: 'x' } },
      2,
    );
    const { accepted } = await checkHostileRuns({
      type: 'http',
      execute: (work) => http.registry.execute(work),
      configs: run,
      numRuns: 300,
      examples: [
        { ...valid(), timeout: '596h', retry: { initial_delay: '596h', max_delay: '596h' } },
        { ...valid(), max_response_bytes: 0 },
        { ...valid(), method: 'POST', body: { json: nested(60, '\uD800') } },
        { ...valid(), query: { q: '\uD800' }, headers: { 'x-a': '\uDFFF' } },
      ],
    });
    expect(accepted).toBeGreaterThan(10); // some of them got as far as a request
  }, 300_000);
});
