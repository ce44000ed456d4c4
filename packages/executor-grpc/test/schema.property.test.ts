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
import { setupExecutor, startServer } from './helpers';

/*
 * Random executor_configs (issue 12, "Tests that stay"): wrong types, huge strings, deep nesting,
 * `__proto__` keys, lone surrogates, NaN/Infinity, extreme durations (a far deadline once crashed the
 * process from inside grpc-js). Through registry.validateWork, and through execute against a real
 * grpc-js server: never a crash nor a hang, every rejection a UbomError whose issues carry paths.
 */

type Started = Awaited<ReturnType<typeof startServer>>;
let server: Started;
let setup: Awaited<ReturnType<typeof setupExecutor>>;
beforeAll(async () => {
  server = await startServer();
  setup = await setupExecutor();
});
afterAll(async () => {
  await setup.executor.shutdown();
  await server.stop();
});

const { strings, durations, junk, secretJunk, secret } = hostileValues();
const pem = fc.oneof(
  fc.constantFrom('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----', '/no/such.pem', '/'),
  strings,
  junk,
);
/** A JSON request message: proto fields right and wrong, nested past the depth limit, `__proto__`. */
const message = fc.oneof(
  fc.record(
    {
      message: fc.oneof(strings, junk),
      big_number: fc.oneof(fc.constantFrom('9223372036854775808', '-1', '1e400', 'x'), junk),
      mood: fc.oneof(fc.constantFrom('HAPPY', 'NOPE', 7, -1), junk),
      tags: fc.oneof(fc.array(strings, { maxLength: 3 }), junk),
      inner: fc.oneof(fc.constant(nested(100, 'x')), junk),
      payload: fc.oneof(fc.constantFrom('AAAA', '!!not base64', ''), junk),
      at: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday', '9999-99-99T99:99:99Z'), junk),
      delay_ms: fc.oneof(fc.constantFrom(0, 1, -1, 2 ** 31), junk),
    },
    { requiredKeys: [] },
  ),
  fc.tuple(fc.record({ message: strings }), junk).map(([m, p]) => withProto(m, p)),
  fc.dictionary(fc.string(), junk, { maxKeys: 3 }),
);
const metadataKeys = hostileKeys(['authorization', 'x-token-bin', 'Upper', 'grpc-timeout', ':path']);

/** Each key of `executor_config` but `endpoint`: plausible values and junk. */
const callFields = () => ({
  method: fc.oneof(
    fc.constantFrom('demo.v1.Echo/Unary', 'demo.v1.Echo/Nope', 'no.Such/Method', 'Echo.Unary', '/'),
    strings,
    junk,
  ),
  request: fc.oneof(message, fc.array(message, { maxLength: 3 }), junk),
  tls: fc.oneof(
    fc.record(
      {
        enabled: fc.oneof(fc.boolean(), junk),
        ca_cert: pem,
        client_cert: pem,
        client_key: secret,
        server_name: fc.oneof(fc.constantFrom('localhost', ''), strings, junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  metadata: hostileRecord(secret, { keys: metadataKeys, other: secretJunk }),
  retry: fc.oneof(
    fc.record(
      {
        max_attempts: fc.oneof(fc.constantFrom(0, 1, 3, 10, 11, 2.5), durations, junk),
        initial_delay: durations,
        max_delay: durations,
        backoff_multiplier: fc.oneof(fc.constantFrom(0.5, 1, 2, 1e308), durations, junk),
        retryable_codes: fc.oneof(
          fc.array(fc.constantFrom('UNAVAILABLE', 'OK', 'unavailable', 'NOPE'), { maxLength: 3 }),
          junk,
        ),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  proto_files: fc.oneof(
    fc.array(fc.oneof(strings, fc.constant('demo/v1/echo.proto')), { maxLength: 3 }),
    junk,
  ),
  include_dirs: fc.oneof(fc.array(strings, { maxLength: 3 }), junk),
  descriptor_set: fc.oneof(fc.constantFrom('/no/such.pb', '/etc/passwd'), strings, junk),
  timeout: durations,
});
/** With the endpoint: an unreachable one only makes execute wait, so only validateWork gets these. */
const fields = () => ({
  endpoint: fc.oneof(
    fc.constantFrom(server.address, '127.0.0.1:1', 'unix:///no/such.sock', 'dns:///', 'has space:1', BIG),
    strings,
    junk,
  ),
  ...callFields(),
});

const valid = () => ({ endpoint: server.address, method: 'demo.v1.Echo/Unary', tls: { enabled: false } });

describe('random grpc executor_configs (property)', () => {
  it('validateWork: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    const { accepted, refused } = await checkHostileWorks({
      type: 'grpc',
      check: (work) => setup.registry.validateWork(work),
      configs: hostileConfigs(fields(), valid()),
      numRuns: 1500,
      examples: [
        { ...valid(), timeout: '9999999999h' },
        { ...valid(), request: nested(10_000, 'x') },
        { ...valid(), metadata: withProto({ authorization: 'x' }, { a: 1 }) },
        { ...valid(), retry: { initial_delay: Number.NaN, max_delay: Number.POSITIVE_INFINITY } },
      ],
    });
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('execute against a real server (unary Echo, up to two keys changed): a WorkResult or a well-formed rejection', async () => {
    const { accepted } = await checkHostileRuns({
      type: 'grpc',
      execute: (work) => setup.registry.execute(work),
      configs: nearlyValidConfigs(callFields(), valid(), 2),
      numRuns: 200,
      examples: [
        { ...valid(), timeout: '596h' },
        { ...valid(), timeout: '1ns' },
        { ...valid(), retry: { max_attempts: 10, initial_delay: '596h', max_delay: '596h' } },
        { ...valid(), request: { message: '\uD800', inner: nested(60, 'x') } },
      ],
    });
    expect(accepted).toBeGreaterThan(10); // some of them got as far as a call
  }, 300_000);
});
