import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnhancedWorkRegistry, ValidationError, type Work } from '@ubom/core';
import { expectNoSecret, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { type ServedFunction, serveFunction } from './fixtures/gcp/functions.mjs';
import {
  type FunctionsApi,
  type GoogleTokenHost,
  startFunctionsApi,
  startGoogleTokenHost,
} from './fixtures/gcp/google-apis.mjs';

// google-auth-library posts the signed JWT of a service-account key to https://oauth2.googleapis.com/token,
// a fixed URL. Its HTTP client (gaxios) honours HTTPS_PROXY: a local proxy ends that tunnel in a local TLS
// server with a certificate for oauth2.googleapis.com from the test CA. Local addresses bypass the proxy.
const EMAIL = 'ubom-runner@ubom-test.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const serviceAccountKey = JSON.stringify({
  type: 'service_account',
  project_id: 'ubom-test',
  private_key_id: 'ubom0000000000000000000000000000000000001',
  private_key: privateKey,
  client_email: EMAIL,
  client_id: '100000000000000000001',
  token_uri: 'https://oauth2.googleapis.com/token',
});

let tokenHost: GoogleTokenHost;
let api: FunctionsApi;
let echo: ServedFunction;
let slow: ServedFunction;
let executor: ServerlessExecutor;
let registry: EnhancedWorkRegistry;
const savedEnv = { ...process.env };
const NAME = 'projects/ubom-test/locations/us-central1/functions/echo';

beforeAll(async () => {
  const dir = inject('certDir');
  tokenHost = await startGoogleTokenHost({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    serviceAccounts: { [EMAIL]: keys.publicKey },
  });
  process.env.HTTPS_PROXY = tokenHost.proxyUrl;
  process.env.NO_PROXY = '127.0.0.1,localhost';
  process.env.METADATA_SERVER_DETECTION = 'none';
  echo = await serveFunction('echo');
  slow = await serveFunction('slow');
  api = await startFunctionsApi({
    functions: { [NAME]: { url: echo.url, state: 'ACTIVE', serviceConfig: { uri: echo.url } } },
  });
  executor = createPlugin();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('serverless', executor);
});

afterAll(async () => {
  await executor.shutdown();
  await Promise.all([tokenHost.close(), api.close(), echo.close(), slow.close()]);
  process.env = savedEnv;
});

const work = (config: Record<string, unknown>): Work => ({
  id: 'gcp-sa',
  type: 'serverless',
  executor_config: {
    provider: 'gcp',
    function: 'echo',
    credentials: { type: 'service_account', key: serviceAccountKey },
    ...config,
  },
  inputs: { from: 'sa' },
});

describe('gcp: service-account key credentials', () => {
  it("gets an ID token for the function's audience with the key's signed JWT and calls the function", async () => {
    const result = await registry.execute(work({ endpoint: echo.url }));
    expect(result.success).toBe(true);
    const origin = echo.url.replace(/\/$/, '');
    expect(result.outputs.payload).toEqual({
      body: { from: 'sa' },
      method: 'POST',
      caller: EMAIL,
      audience: origin,
      authorization: 'Bearer ***',
    });
    expect(tokenHost.requests.at(-1)).toMatchObject({
      host: 'oauth2.googleapis.com',
      grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      email: EMAIL,
      audience: origin,
    });
    expectNoSecret(JSON.stringify(result), privateKey, 'the result');
  });

  it('resolves the URL with getFunction using an access token minted from the key', async () => {
    const result = await registry.execute(work({ function: NAME, api_endpoint: api.url }));
    expect(result.success).toBe(true);
    expect(api.requests.at(-1)).toMatchObject({ path: `/v2/${NAME}`, authorized: true });
    expect(tokenHost.requests.some((r) => r.email === EMAIL && r.audience === undefined)).toBe(true);
  });

  it('refuses a key that is not a service-account key file, without quoting it', async () => {
    const notJson = `${privateKey.slice(0, 40)} not json`;
    const outcome = await settle(
      executor.execute(
        work({ endpoint: echo.url, credentials: { type: 'service_account', key: notJson } }),
        {},
      ),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(ValidationError);
      expect((outcome.error as ValidationError).issues).toEqual([
        {
          path: 'executor_config.credentials.key',
          message: 'must be a service-account key file (JSON with client_email and private_key)',
        },
      ]);
      expectNoSecret(
        `${(outcome.error as Error).message} ${String((outcome.error as Error).cause)}`,
        notJson,
        'the error',
      );
    }
  });

  it('rejects UnavailableError (not retryable) when the token endpoint refuses the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const forged = JSON.stringify({ ...JSON.parse(serviceAccountKey), private_key: other });
    const outcome = await settle(
      registry.execute(work({ endpoint: echo.url, credentials: { type: 'service_account', key: forged } })),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect((outcome.error as Error).message).toMatch(/cannot get an ID token .*invalid_grant/);
      expectNoSecret((outcome.error as Error).message, other, 'the error');
    }
  });

  it('the key appears nowhere when the function is not found, times out or is cancelled', async () => {
    const texts: string[] = [];
    const record = async (w: Work, signal?: AbortSignal) => {
      const outcome = await settle(executor.execute(w, {}, signal ? { signal } : {}));
      texts.push(
        outcome.ok
          ? JSON.stringify(outcome.value)
          : `${(outcome.error as Error).message} ${(outcome.error as Error).stack}`,
      );
      return outcome;
    };
    const missing = await record(
      work({ function: 'projects/ubom-test/locations/us-central1/functions/nope', api_endpoint: api.url }),
    );
    expect(missing.ok).toBe(false);
    const timedOut = await record(work({ endpoint: slow.url, timeout: '300ms' }));
    expect(timedOut.ok && !timedOut.value.success).toBe(true);
    const cancelled = await record(work({ endpoint: slow.url }), AbortSignal.timeout(200));
    expect(cancelled.ok).toBe(false);
    for (const text of texts) {
      expectNoSecret(text, serviceAccountKey, 'the outcome');
      expectNoSecret(text, privateKey, 'the outcome');
    }
  });
});
