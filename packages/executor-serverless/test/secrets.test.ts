import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry, Work } from '@ubom/core';
import { expectNoSecret, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { awsWork, INVOKE_ONLY_SECRET, invokeOnly, SECRET_KEY, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';
import { type AzureServer, startAzureServer } from './fixtures/azure/azure-server.mjs';

// The executor itself (no registry in front) must keep writeOnly values out of everything it hands back.
const FUNCTION_KEY = 'ubomPlantedAzureKey-000000000000000000000000000009==';
const CLIENT_SECRET = 'ubomPlantedClientSecret~00000000000000000000009';

let lambda: LambdaServer;
let azure: AzureServer;
let executor: ServerlessExecutor;

beforeAll(async () => {
  lambda = await startAwsStandIn();
  const dir = inject('certDir');
  azure = await startAzureServer({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    functionKeys: { echo: FUNCTION_KEY, slow: FUNCTION_KEY, fail: FUNCTION_KEY },
    app: { tenantId: 'tenant-1', clientId: 'client-1', clientSecret: CLIENT_SECRET },
    arm: { subscriptionId: 'sub-1', resourceGroup: 'rg-1', site: 'app-1' },
    identityHeader: 'unused',
  });
  executor = createPlugin();
});

afterAll(async () => {
  await executor.shutdown();
  await Promise.all([lambda.close(), azure.close()]);
});

function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  return `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${errorText(error.cause, depth + 1)}`;
}

/** Runs `work` (aborting after `abortAfterMs` when given) and checks no form of `secret` comes back. */
async function expectNothingLeaks(work: Work, secrets: string[], abortAfterMs?: number): Promise<void> {
  const live: LogEntry[] = [];
  const controller = new AbortController();
  const timer = abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
  const outcome = await settle(
    executor.execute(work, {}, { onLog: (e) => live.push(e), signal: controller.signal }),
  );
  clearTimeout(timer);
  const shown = outcome.ok ? JSON.stringify(outcome.value) : errorText(outcome.error);
  for (const secret of secrets) {
    expectNoSecret(JSON.stringify(live), secret, 'live logs');
    expectNoSecret(shown, secret, outcome.ok ? 'the result' : 'the thrown error');
  }
}

describe('a planted secret appears nowhere', () => {
  const aws = (config: Record<string, unknown>) => awsWork(lambda.url, { function: 'secret', ...config });

  it('aws: a function that prints and returns the secret key', async () => {
    await expectNothingLeaks(aws({ payload: { secret: SECRET_KEY } }), [SECRET_KEY]);
  });

  it('aws: a function that fails with the secret key in its error message', async () => {
    await expectNothingLeaks(aws({ payload: { secret: SECRET_KEY, fail: true } }), [SECRET_KEY]);
  });

  it('aws: not found, throttled, timed out and cancelled works', async () => {
    await expectNothingLeaks(aws({ function: 'nope' }), [SECRET_KEY]);
    lambda.throttleNext(2);
    await expectNothingLeaks(aws({ max_attempts: 2 }), [SECRET_KEY]);
    lambda.throttleNext(0);
    // refused (the function's own timeout is longer), timed out, cancelled
    await expectNothingLeaks(aws({ function: 'slow', timeout: '200ms' }), [SECRET_KEY]);
    const slow = { function: 'slow', credentials: invokeOnly, payload: { secret: INVOKE_ONLY_SECRET } };
    await expectNothingLeaks(aws({ ...slow, timeout: '300ms' }), [INVOKE_ONLY_SECRET]);
    await expectNothingLeaks(aws(slow), [INVOKE_ONLY_SECRET], 200);
  });

  it('aws: a session token is a secret too', async () => {
    const token = 'ubomPlantedSessionToken/0000000000000000000000000009';
    const work = aws({ payload: { secret: token } });
    Object.assign(work.executor_config.credentials as object, { session_token: token });
    await expectNothingLeaks(work, [token, SECRET_KEY]);
  });

  const az = (fn: string, config: Record<string, unknown> = {}): Work => ({
    id: 'azure-secret',
    type: 'serverless',
    executor_config: {
      provider: 'azure',
      function: fn,
      endpoint: `${azure.url}/api/${fn}`,
      credentials: { type: 'function_key', key: FUNCTION_KEY },
      ...config,
    },
  });
  const viaArm = (fn: string, secret: string) =>
    az(fn, {
      app: 'app-1',
      subscription_id: 'sub-1',
      resource_group: 'rg-1',
      api_endpoint: azure.url,
      credentials: {
        type: 'client_secret',
        tenant_id: 'tenant-1',
        client_id: 'client-1',
        client_secret: secret,
        authority_host: azure.url,
      },
    });

  it('azure: success, failure, host 404, timeout and cancel with a function key', async () => {
    await expectNothingLeaks(az('echo'), [FUNCTION_KEY]);
    await expectNothingLeaks(az('fail', { payload: { reason: FUNCTION_KEY } }), [FUNCTION_KEY]);
    await expectNothingLeaks(az('nope'), [FUNCTION_KEY]);
    await expectNothingLeaks(az('slow', { timeout: '200ms' }), [FUNCTION_KEY]);
    await expectNothingLeaks(az('slow'), [FUNCTION_KEY], 100);
  });

  it('azure: a client secret, right or wrong, and the key it fetches', async () => {
    await expectNothingLeaks(viaArm('echo', CLIENT_SECRET), [CLIENT_SECRET, FUNCTION_KEY]);
    await expectNothingLeaks(viaArm('nope', CLIENT_SECRET), [CLIENT_SECRET]);
    const wrong = 'ubomWrongClientSecret~0000000000000000000000009';
    await expectNothingLeaks(viaArm('echo', wrong), [wrong]);
  });

  it('the checks above can fail: a work that really returns its secret is caught by them', async () => {
    const outcome = await settle(
      expectNothingLeaks(aws({ payload: { secret: 'not-a-secret-field-0001' } }), [
        'not-a-secret-field-0001',
      ]),
    );
    expect(outcome.ok).toBe(false);
  });
});
