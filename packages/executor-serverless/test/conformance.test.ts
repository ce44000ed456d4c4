import { describeExecutorConformance } from '@ubom/testkit';
import { afterAll, beforeAll } from 'vitest';
import { createPlugin } from '../src';
import { awsWork, invokeOnly, SECRET_KEY, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';

// The suite reads `works` when it registers its tests, before beforeAll runs: endpoints are filled in
// place once the stand-in listens.
let lambda: LambdaServer;
const base = { provider: 'aws', function: 'echo', region: 'us-east-1' };
const valid = awsWork('http://placeholder', {}, { id: 'conformance-valid', inputs: { hello: 'world' } });
const long = awsWork(
  'http://placeholder',
  { function: 'slow', credentials: invokeOnly, timeout: '60s' },
  { id: 'conformance-long' },
);
const withSecret = awsWork(
  'http://placeholder',
  { function: 'secret', payload: { secret: SECRET_KEY } },
  { id: 'conformance-secret' },
);

beforeAll(async () => {
  lambda = await startAwsStandIn();
  for (const work of [valid, long, withSecret]) work.executor_config.endpoint = lambda.url;
});
afterAll(async () => lambda.close());

/** Requests the stand-in still has open; a cancelled call's connection closes a moment after the reject. */
async function openInvocations(): Promise<number> {
  const until = Date.now() + 2000;
  while (lambda.inFlight() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return lambda.inFlight();
}

describeExecutorConformance({
  name: 'serverless (aws)',
  createExecutor: () => createPlugin(),
  works: { valid, long, withSecret: { work: withSecret, secret: SECRET_KEY } },
  leftovers: openInvocations,
  invalidConfigs: [
    { config: { ...base, timout: '3s' }, path: 'executor_config.timout', message: /did you mean "timeout"/ },
    { config: { provider: 'aws', region: 'us-east-1' }, path: 'executor_config.function' },
    { config: { ...base, invocation_type: 'later' }, path: 'executor_config.invocation_type' },
    { config: { ...base, timeout: 'soon' }, path: 'executor_config.timeout' },
    {
      config: { ...base, provider: 'oracle' },
      path: 'executor_config.provider',
      title: 'an unknown provider',
    },
    {
      config: { ...base, credentials: { type: 'aws_iam', access_key: 'AKIAIOSFODNN7EXAMPLE' } },
      path: 'executor_config.credentials.secret_key',
    },
    {
      config: { provider: 'gcp', function: 'f' },
      path: 'executor_config.endpoint',
      title: 'gcp without URL or project and region',
    },
    {
      config: { provider: 'azure', function: 'f', credentials: { type: 'default' } },
      path: 'executor_config.app',
      title: 'azure listkeys without app',
    },
  ],
});
