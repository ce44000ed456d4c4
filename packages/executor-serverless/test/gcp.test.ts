import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnhancedWorkRegistry, type LogEntry, NotFoundError, UnavailableError, type Work } from '@ubom/core';
import { expectWellFormedResult, isAbortError, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { type ServedFunction, serveFunction } from './fixtures/gcp/functions.mjs';
import { type FunctionsApi, startFunctionsApi } from './fixtures/gcp/google-apis.mjs';
import { type MetadataServer, startMetadataServer } from './fixtures/gcp/metadata-server.mjs';

// Application Default Credentials find nothing on disk, then the metadata server stand-in.
process.env.CLOUDSDK_CONFIG = mkdtempSync(join(tmpdir(), 'ubom-gcloud-'));
delete process.env.GOOGLE_APPLICATION_CREDENTIALS;

let metadata: MetadataServer;
let api: FunctionsApi;
const fns = {} as Record<'echo' | 'public' | 'fail' | 'missing' | 'slow', ServedFunction>;
let executor: ServerlessExecutor;
let registry: EnhancedWorkRegistry;
const PROJECT = 'ubom-test';
const REGION = 'europe-west1';
const fullName = (name: string) => `projects/${PROJECT}/locations/${REGION}/functions/${name}`;

beforeAll(async () => {
  metadata = await startMetadataServer();
  process.env.GCE_METADATA_HOST = metadata.host;
  for (const name of ['echo', 'public', 'fail', 'missing', 'slow'] as const)
    fns[name] = await serveFunction(name);
  api = await startFunctionsApi({
    functions: {
      [fullName('echo')]: {
        url: fns.echo.url,
        state: 'ACTIVE',
        serviceConfig: { uri: fns.echo.url, timeoutSeconds: 10 },
      },
      [fullName('long-config')]: {
        url: fns.echo.url,
        state: 'ACTIVE',
        serviceConfig: { uri: fns.echo.url, timeoutSeconds: 3600 },
      },
      [fullName('slow-config')]: {
        url: fns.slow.url,
        state: 'ACTIVE',
        serviceConfig: { uri: fns.slow.url, timeoutSeconds: 3600 },
      },
      [fullName('deploying')]: {
        url: fns.echo.url,
        state: 'DEPLOYING',
        serviceConfig: { uri: fns.echo.url },
      },
    },
  });
  executor = createPlugin();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('serverless', executor);
});

afterAll(async () => {
  await executor.shutdown();
  await Promise.all([metadata.close(), api.close(), ...Object.values(fns).map((f) => f.close())]);
});

let ids = 0;
const gcpWork = (config: Record<string, unknown>, extra: Partial<Work> = {}): Work => ({
  id: `gcp-${++ids}`,
  type: 'serverless',
  executor_config: { provider: 'gcp', function: 'echo', credentials: { type: 'default' }, ...config },
  ...extra,
});
const byName = (name: string) => ({
  function: name,
  project: PROJECT,
  region: REGION,
  api_endpoint: api.url,
});
const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('gcp: HTTP functions with ID tokens', () => {
  it('calls the function URL with an ID token for its audience from the metadata server', async () => {
    const result = await registry.execute(gcpWork({ endpoint: fns.echo.url }, { inputs: { a: 1 } }));
    expectWellFormedResult(result);
    expect(result.success).toBe(true);
    const origin = fns.echo.url.replace(/\/$/, '');
    expect(result.outputs.payload).toEqual({
      body: { a: 1 },
      method: 'POST',
      caller: metadata.email,
      audience: origin,
      // the function echoed the ID token it got: a bearer credential, masked like the config secrets
      authorization: 'Bearer ***',
    });
    expect(result.outputs.status_code).toBe(200);
    expect(result.outputs.headers).toMatchObject({
      'content-type': expect.stringContaining('application/json'),
    });
    expect(result.outputs.url).toBe(fns.echo.url);
    const identity = metadata.requests.filter((r) => r.path.endsWith('/identity'));
    expect(identity.at(-1)?.query.audience).toBe(origin);
  });

  it('reuses the ID token for later calls to the same audience', async () => {
    const before = metadata.requests.filter((r) => r.path.endsWith('/identity')).length;
    for (let i = 0; i < 3; i++)
      expect((await registry.execute(gcpWork({ endpoint: fns.echo.url }))).success).toBe(true);
    expect(metadata.requests.filter((r) => r.path.endsWith('/identity')).length).toBe(before);
  });

  it('sends GET without a body when method is GET', async () => {
    const result = await registry.execute(
      gcpWork({ endpoint: fns.echo.url, method: 'GET' }, { inputs: { ignored: true } }),
    );
    expect(result.outputs.payload).toMatchObject({ method: 'GET' });
  });

  it('calls a public function without any token when credentials.type is none', async () => {
    const result = await registry.execute(
      gcpWork({ endpoint: fns.public.url, credentials: { type: 'none' }, payload: [1, 2] }),
    );
    expect(result.outputs.payload).toEqual({ body: [1, 2], method: 'POST' });
    expect(fns.public.requests.at(-1)?.authorization).toBeUndefined();
  });

  it('rejects a protected function called without a token as refused credentials', async () => {
    const outcome = await settle(
      registry.execute(gcpWork({ endpoint: fns.echo.url, credentials: { type: 'none' } })),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as Error).message).toMatch(/refused the credentials \(HTTP 401\)/);
    }
  });

  it('dry_run gets the URL and a token but does not call the function', async () => {
    const before = fns.echo.requests.length;
    const result = await registry.execute(gcpWork({ ...byName('echo'), invocation_type: 'dry_run' }));
    expect(result.success).toBe(true);
    expect(result.outputs).toEqual({ dry_run: true, url: fns.echo.url });
    expect(fns.echo.requests.length).toBe(before);
  });
});

describe('gcp: resolving the URL with getFunction', () => {
  it('resolves the service URI through the Cloud Functions API (with a metadata access token) and caches it', async () => {
    const fresh = createPlugin();
    const before = api.requests.length;
    const a = await fresh.execute(gcpWork(byName('echo')), {});
    const b = await fresh.execute(gcpWork({ ...byName('echo'), function: fullName('echo') }), {});
    await fresh.shutdown();
    expect([a.success, b.success]).toEqual([true, true]);
    expect(a.outputs.url).toBe(fns.echo.url);
    const lookups = api.requests.slice(before);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ method: 'GET', path: `/v2/${fullName('echo')}`, authorized: true });
  });

  it('rejects NotFoundError when getFunction answers NOT_FOUND', async () => {
    const outcome = await settle(registry.execute(gcpWork(byName('nope'))));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(NotFoundError);
      expect((outcome.error as Error).message).toContain(`Cloud Function ${fullName('nope')} not found`);
    }
  });

  it('rejects UnavailableError for a function that is not ACTIVE', async () => {
    await expect(registry.execute(gcpWork(byName('deploying')))).rejects.toThrow(
      /not active \(state DEPLOYING\)/,
    );
  });

  it("warns when the function's own timeout is longer than the work's", async () => {
    const logs: LogEntry[] = [];
    const result = await registry.execute(
      gcpWork({ ...byName('long-config'), timeout: '20s' }),
      {},
      { onLog: (e) => logs.push(e) },
    );
    expect(result.success).toBe(true);
    expect(result.outputs.function_timeout_ms).toBe(3_600_000);
    expect(logs.map((e) => e.message).join('\n')).toMatch(/own timeout is 1h, longer than this work's 20s/);
  });

  it('keeps function_timeout_ms in the result of such a call that timed out', async () => {
    const result = await registry.execute(gcpWork({ ...byName('slow-config'), timeout: '300ms' }));
    expect(result).toMatchObject({ success: false, error: 'timed out after 300ms' });
    expect(result.outputs.function_timeout_ms).toBe(3_600_000);
    await waitFor(() => fns.slow.open() === 0);
  });

  it('dry run (validateWork with dryRun: true): resolves the URL and gets a token, calls nothing', async () => {
    const before = fns.echo.requests.length;
    await expect(registry.validateWork(gcpWork(byName('echo')), { dryRun: true })).resolves.toBeUndefined();
    expect(fns.echo.requests.length).toBe(before);
    await expect(registry.validateWork(gcpWork(byName('nope')), { dryRun: true })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('gcp: failures, timeouts and cancellation', () => {
  it('resolves success:false with the status and body for a non-2xx answer', async () => {
    const result = await registry.execute(
      gcpWork({ endpoint: fns.fail.url, credentials: { type: 'none' }, payload: { reason: 'x' } }),
    );
    expectWellFormedResult(result);
    expect(result.success).toBe(false);
    expect(result.outputs.status_code).toBe(500);
    expect(result.outputs.payload).toEqual({ error: 'boom', reason: 'x' });
    expect(result.error).toBe('the function answered HTTP 500: {"error":"boom","reason":"x"}');
  });

  it('resolves success:false with a hint for a 404 from the function URL', async () => {
    const result = await registry.execute(
      gcpWork({ endpoint: fns.missing.url, credentials: { type: 'none' } }),
    );
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/HTTP 404 \(no such function at this URL, or the function answered 404\)/);
  });

  it('rejects UnavailableError when nothing listens at the URL', async () => {
    const outcome = await settle(
      registry.execute(gcpWork({ endpoint: 'http://127.0.0.1:9/', credentials: { type: 'none' } })),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(UnavailableError);
  });

  it('ends a call that outlives `timeout` with success:false and closes the request', async () => {
    const result = await registry.execute(
      gcpWork({ endpoint: fns.slow.url, credentials: { type: 'none' }, timeout: '300ms' }),
    );
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/timed out after 300ms/);
    await waitFor(() => fns.slow.open() === 0);
    expect(fns.slow.requests.at(-1)?.aborted).toBe(true);
  });

  it('cancels the request when the signal aborts and rejects AbortError', async () => {
    const controller = new AbortController();
    const before = fns.slow.requests.length;
    const running = settle(
      registry.execute(
        gcpWork({ endpoint: fns.slow.url, credentials: { type: 'default' } }),
        {},
        { signal: controller.signal },
      ),
    );
    await waitFor(() => fns.slow.requests.length > before);
    controller.abort();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(isAbortError(outcome.error)).toBe(true);
    await waitFor(() => fns.slow.open() === 0);
    expect(fns.slow.requests.at(-1)?.aborted).toBe(true);
  });
});
