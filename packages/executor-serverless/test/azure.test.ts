import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnhancedWorkRegistry, NotFoundError, UnavailableError, type Work } from '@ubom/core';
import { expectNoSecret, expectWellFormedResult, isAbortError, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { type AzureServer, startAzureServer } from './fixtures/azure/azure-server.mjs';

const FUNCTION_KEY = 'ubomPlantedFunctionKey-0000000000000000000000000001==';
const CLIENT_SECRET = 'ubomPlantedClientSecret~0000000000000000000002';
const app = {
  tenantId: '00000000-0000-0000-0000-0000000000aa',
  clientId: '00000000-0000-0000-0000-0000000000bb',
  clientSecret: CLIENT_SECRET,
};
const arm = {
  subscriptionId: '00000000-0000-0000-0000-0000000000cc',
  resourceGroup: 'ubom-rg',
  site: 'ubom-app',
};
const IDENTITY_HEADER = 'ubom-identity-header-0001';

let azure: AzureServer;
const functionKeys: Record<string, string> = { echo: FUNCTION_KEY, fail: FUNCTION_KEY, slow: FUNCTION_KEY };
let executor: ServerlessExecutor;
let registry: EnhancedWorkRegistry;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const dir = inject('certDir');
  azure = await startAzureServer({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    functionKeys,
    app,
    arm,
    identityHeader: IDENTITY_HEADER,
  });
  // App Service's managed-identity endpoint, as the platform announces it to the function app
  process.env.IDENTITY_ENDPOINT = `${azure.url}/msi/token`;
  process.env.IDENTITY_HEADER = IDENTITY_HEADER;
  executor = createPlugin();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('serverless', executor);
});

afterAll(async () => {
  await executor.shutdown();
  await azure.close();
  process.env = savedEnv;
});

let ids = 0;
const withKey = (fn: string, config: Record<string, unknown> = {}, extra: Partial<Work> = {}): Work => ({
  id: `azure-${++ids}`,
  type: 'serverless',
  executor_config: {
    provider: 'azure',
    function: fn,
    endpoint: `${azure.url}/api/${fn}`,
    credentials: { type: 'function_key', key: FUNCTION_KEY },
    ...config,
  },
  ...extra,
});
const clientSecret = {
  type: 'client_secret',
  tenant_id: app.tenantId,
  client_id: app.clientId,
  client_secret: CLIENT_SECRET,
};
const viaArm = (
  fn: string,
  credentials: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Work =>
  withKey(fn, {
    app: arm.site,
    subscription_id: arm.subscriptionId,
    resource_group: arm.resourceGroup,
    api_endpoint: azure.url,
    credentials,
    ...config,
  });
const listkeys = () => azure.requests.filter((r) => r.operation === 'listkeys');
const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('azure: function keys', () => {
  it('calls the HTTPS function with x-functions-key and never shows the key in the result', async () => {
    const result = await registry.execute(withKey('echo', {}, { inputs: { a: 1 } }));
    expectWellFormedResult(result);
    expect(result.success).toBe(true);
    expect(result.outputs.status_code).toBe(200);
    const payload = result.outputs.payload as {
      body: unknown;
      method: string;
      functionName: string;
      headers: Record<string, string>;
    };
    expect(payload).toMatchObject({ body: { a: 1 }, method: 'POST', functionName: 'echo' });
    // the function echoed the key it received: the executor masks it
    expect(payload.headers['x-functions-key']).toBe('***');
    expectNoSecret(JSON.stringify(result), FUNCTION_KEY, 'the result');
  });

  it('masks the key even when the executor is used without a registry', async () => {
    const result = await executor.execute(withKey('echo'), {});
    expectNoSecret(JSON.stringify(result), FUNCTION_KEY, 'the result');
  });

  it('rejects a wrong key as refused credentials (401), not retryable', async () => {
    const outcome = await settle(
      registry.execute(withKey('echo', { credentials: { type: 'function_key', key: 'wrong-key-0001' } })),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as UnavailableError).retryable).toBe(false);
      expect((outcome.error as Error).message).toMatch(/HTTP 401/);
    }
  });

  it('resolves success:false with status and body for a 500', async () => {
    const result = await registry.execute(withKey('fail', { payload: { reason: 'r' } }));
    expect(result.success).toBe(false);
    expect(result.outputs.status_code).toBe(500);
    expect(result.error).toBe('the function answered HTTP 500: {"error":"boom","reason":"r"}');
  });

  it('resolves success:false with a hint when the host has no such function (404)', async () => {
    const result = await registry.execute(withKey('nope'));
    expect(result.success).toBe(false);
    expect(result.outputs.status_code).toBe(404);
    expect(result.error).toMatch(/no such function at this URL/);
  });
});

describe('azure: keys fetched through ARM listkeys', () => {
  it('gets a token with the client secret, lists the function keys, calls the function, and caches the key', async () => {
    const fresh = createPlugin();
    const before = listkeys().length;
    const a = await fresh.execute(
      viaArm('echo', clientSecret, { credentials: { ...clientSecret, authority_host: azure.url } }),
      {},
    );
    const b = await fresh.execute(
      viaArm('echo', clientSecret, { credentials: { ...clientSecret, authority_host: azure.url } }),
      {},
    );
    await fresh.shutdown();
    expect([a.success, b.success]).toEqual([true, true]);
    expect(listkeys().length - before).toBe(1);
    const token = azure.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).at(-1);
    expect(token).toMatchObject({ clientId: app.clientId, scope: 'https://management.azure.com/.default' });
    expect(listkeys().at(-1)?.query['api-version']).toMatch(/^\d{4}-\d\d-\d\d/);
    expectNoSecret(JSON.stringify([a, b]), FUNCTION_KEY, 'the results');
  });

  it('fetches the key again when the cached one was rotated, and retries once', async () => {
    const fresh = createPlugin();
    const work = viaArm('echo', { ...clientSecret, authority_host: azure.url });
    expect((await fresh.execute(work, {})).success).toBe(true);
    const before = listkeys().length;
    functionKeys.echo = 'ubomRotatedFunctionKey-000000000000000000000000002==';
    try {
      const result = await fresh.execute(work, {});
      expect(result.success).toBe(true);
      expect(listkeys().length - before).toBe(1);
      expectNoSecret(JSON.stringify(result), functionKeys.echo, 'the result');
    } finally {
      functionKeys.echo = FUNCTION_KEY;
      await fresh.shutdown();
    }
  });

  it('rejects refused credentials without showing the client secret', async () => {
    const wrong = {
      ...clientSecret,
      client_secret: 'ubomWrongClientSecret~000000000000003',
      authority_host: azure.url,
    };
    const outcome = await settle(executor.execute(viaArm('echo', wrong), {}));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as UnavailableError).retryable).toBe(false);
      expect((outcome.error as Error).message).toMatch(/refused the credentials/);
      expectNoSecret(String((outcome.error as Error).message), wrong.client_secret, 'the error');
    }
  });

  it('rejects NotFoundError when listkeys answers 404', async () => {
    const outcome = await settle(
      registry.execute(viaArm('nope', { ...clientSecret, authority_host: azure.url })),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(NotFoundError);
  });

  it('uses the App Service managed identity (IDENTITY_ENDPOINT) for managed_identity and default', async () => {
    const msi = () => azure.requests.filter((r) => r.path === '/msi/token');
    const before = listkeys().length;
    const fresh = createPlugin();
    const managed = await fresh.execute(viaArm('echo', { type: 'managed_identity' }), {});
    expect(managed.success).toBe(true);
    expect(msi()).toHaveLength(1);
    expect(msi()[0]?.resource).toBe('https://management.azure.com');
    // the default chain reaches the same managed identity (MSAL keeps its token process-wide)
    const chained = await fresh.execute(viaArm('echo', { type: 'default' }), {});
    await fresh.shutdown();
    expect(chained.success).toBe(true);
    expect(listkeys().length - before).toBe(2);
  });

  it('dry_run fetches the key but does not call the function', async () => {
    const before = azure.requests.filter((r) => r.function === 'echo').length;
    const result = await registry.execute(
      viaArm('echo', { ...clientSecret, authority_host: azure.url }, { invocation_type: 'dry_run' }),
    );
    expect(result.success).toBe(true);
    expect(result.outputs).toEqual({ dry_run: true, url: `${azure.url}/api/echo` });
    expect(azure.requests.filter((r) => r.function === 'echo').length).toBe(before);
  });
});

describe('azure: timeouts and cancellation', () => {
  it('ends a call that outlives `timeout` with success:false and closes the request', async () => {
    const result = await registry.execute(withKey('slow', { timeout: '300ms' }));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/timed out after 300ms/);
    const record = azure.requests.filter((r) => r.function === 'slow').at(-1);
    await waitFor(() => record?.done === true);
    expect(record?.aborted).toBe(true);
  });

  it('cancels the request when the signal aborts and rejects AbortError', async () => {
    const controller = new AbortController();
    const before = azure.requests.length;
    const running = settle(registry.execute(withKey('slow'), {}, { signal: controller.signal }));
    await waitFor(() => azure.requests.slice(before).some((r) => r.function === 'slow'));
    controller.abort();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(isAbortError(outcome.error)).toBe(true);
    await waitFor(() => azure.inFlight() === 0);
  });
});
