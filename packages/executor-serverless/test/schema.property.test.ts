import { EnhancedWorkRegistry } from '@ubom/core';
import {
  BIG,
  checkHostileRuns,
  checkHostileWorks,
  hostileConfigs,
  hostileValues,
  nearlyValidConfigs,
  nested,
  withProto,
} from '@ubom/testkit/property';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { ACCESS_KEY, awsWork, SECRET_KEY, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';

/*
 * Random executor_configs (issue 12, "Tests that stay") for every provider: wrong types, huge strings,
 * payloads nested past the depth limit, `__proto__` keys, lone surrogates, NaN/Infinity, extreme
 * durations. Through registry.validateWork, and through execute against the Lambda stand-in (the real
 * AWS SDK): never a crash nor a hang, every rejection a UbomError whose issues carry paths.
 */

const executor = createPlugin();
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('serverless', executor);
let lambda: LambdaServer;
beforeAll(async () => {
  lambda = await startAwsStandIn();
});
afterAll(async () => Promise.all([executor.shutdown(), lambda.close()]));

const { strings, durations, junk, secretJunk, secret } = hostileValues();
const urls = fc.oneof(
  fc.constantFrom('http://127.0.0.1:1', 'https://', 'ftp://x', `http://${BIG}`, 'http://[::1'),
  strings,
  junk,
);
/** A JSON payload: ordinary, nested to 40 and past the depth limit, `__proto__` keys, lone surrogates. */
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(nested(40, 'x'), nested(10_000, 'x'), { s: '\uD800' }, [Number.NaN]),
  fc.tuple(fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }), junk).map(([p, q]) => withProto(p, q)),
  junk,
);

/** Each key of every provider's config (one schema per `provider`), plausible values and junk. */
const keys = {
  function: fc.oneof(
    fc.constantFrom('echo', 'no-such', 'arn:aws:lambda:us-east-1:123456789012:function:echo', 'a:b:c', ''),
    strings,
    junk,
  ),
  payload,
  region: fc.oneof(fc.constantFrom('us-east-1', 'europe-west1', 'US-EAST-1', ''), strings, junk),
  credentials: fc.oneof(
    fc.record(
      {
        type: fc.constantFrom(
          'aws_iam',
          'profile',
          'default',
          'service_account',
          'none',
          'function_key',
          'client_secret',
          'managed_identity',
          'nope',
        ),
        access_key: fc.oneof(fc.constant(ACCESS_KEY), strings, junk),
        secret_key: secret,
        session_token: secret,
        profile: fc.oneof(strings, junk),
        key: secret,
        tenant_id: fc.oneof(strings, junk),
        client_id: fc.oneof(strings, junk),
        client_secret: secret,
        authority_host: urls,
      },
      { requiredKeys: ['type'] },
    ),
    secretJunk,
  ),
  invocation_type: fc.oneof(fc.constantFrom('sync', 'async', 'dry_run', 'Event'), junk),
  qualifier: fc.oneof(fc.constantFrom('1', 'live', '$LATEST', 'no such'), strings, junk),
  endpoint: urls,
  api_endpoint: urls,
  max_attempts: fc.oneof(fc.constantFrom(0, 1, 3, 10, 11, 2.5), durations, junk),
  refuse_longer_functions: fc.oneof(fc.boolean(), junk),
  project: fc.oneof(fc.constantFrom('ubom-test', 'X'), strings, junk),
  audience: fc.oneof(strings, junk),
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'get', 'TRACE'), junk),
  app: fc.oneof(fc.constantFrom('app-1', 'bad app'), strings, junk),
  subscription_id: fc.oneof(strings, junk),
  resource_group: fc.oneof(strings, junk),
  timeout: durations,
};
const fields = () => ({
  provider: fc.oneof(fc.constantFrom('aws', 'gcp', 'azure', 'AWS', ''), junk),
  ...keys,
});

/** An invocation of the stand-in's echo function with static keys. */
const valid = () => awsWork(lambda.url).executor_config;

describe('random serverless executor_configs (property)', () => {
  it('validateWork, every provider: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    const { accepted, refused } = await checkHostileWorks({
      type: 'serverless',
      check: (work) => registry.validateWork(work),
      configs: fc.oneof(
        hostileConfigs(fields(), valid()),
        hostileConfigs(fields(), { provider: 'gcp', function: 'f', endpoint: 'http://127.0.0.1:1' }),
        hostileConfigs(fields(), {
          provider: 'azure',
          function: 'f',
          endpoint: 'http://127.0.0.1:1',
          credentials: { type: 'function_key', key: 'k3y-not-secret-enough' },
        }),
      ),
      numRuns: 1500,
      examples: [
        { ...valid(), payload: nested(10_000, 'x') },
        { ...valid(), timeout: '9999999999h' },
        withProto(valid(), { provider: 'gcp' }),
        { ...valid(), credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: '\uD800' } },
      ],
    });
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('execute against the Lambda stand-in (echo, up to two keys changed): a WorkResult or a well-formed rejection', async () => {
    const { endpoint: _e, api_endpoint: _a, function: _f, credentials: _c, ...callKeys } = keys;
    const { accepted } = await checkHostileRuns({
      type: 'serverless',
      execute: (work) => registry.execute(work),
      configs: nearlyValidConfigs(callKeys, valid(), 2),
      numRuns: 200,
      examples: [
        { ...valid(), payload: nested(60, '\uD800') },
        { ...valid(), timeout: '596h', max_attempts: 10 },
        { ...valid(), timeout: '1ns' },
        {
          ...valid(),
          credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: `${SECRET_KEY}x` },
        },
      ],
    });
    expect(accepted).toBeGreaterThan(10); // some of them got as far as an invocation
  }, 300_000);
});
