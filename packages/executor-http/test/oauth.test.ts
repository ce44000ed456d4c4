import { expectNoSecret } from '@ubom/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';
import { type TokenServer, tokenServer } from './support/token-server';

describe('auth: OAuth2 client credentials', () => {
  const valid = new Set<string>();
  let tokens: TokenServer;
  let api: TestServer;
  let s: Setup;
  const auth = (extra: Record<string, unknown> = {}) => ({
    type: 'oauth2_client_credentials' as const,
    token_url: `${tokens.server.origin}/oauth/token`,
    client_id: 'ubom-client',
    client_secret: 'cl1ent-s3cret-value',
    scope: 'read write',
    ...extra,
  });
  const call = (extra: Record<string, unknown> = {}) =>
    httpWork({ url: `${api.origin}/protected`, auth: auth(extra) });

  beforeAll(async () => {
    tokens = await tokenServer('ubom-client', 'cl1ent-s3cret-value', valid);
    api = await startServer({
      routes: {
        '/protected': (req, res) => {
          const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
          if (!valid.has(token)) return json(res, 401, { error: 'invalid_token', got: token });
          json(res, 200, { ok: true, token });
        },
      },
    });
  });
  beforeEach(async () => {
    s = await setup();
    tokens.setExpiresIn(3600);
    tokens.failWith(undefined);
  });
  afterAll(async () => {
    await Promise.all([tokens.server.close(), api.close()]);
  });

  it('fetches a token once (client id and secret in a Basic header) and reuses it until it expires', async () => {
    const before = tokens.fetches();
    const first = await s.run(call());
    expect(first.success).toBe(true);
    expect(first.metrics.tokenFetched).toBe(true);
    expect(tokens.lastForm()?.get('scope')).toBe('read write');
    expect(tokens.lastAuth()).toBe(
      `Basic ${Buffer.from('ubom-client:cl1ent-s3cret-value').toString('base64')}`,
    );
    const second = await s.run(call());
    expect(second.success).toBe(true);
    expect(second.metrics.tokenFetched).toBeUndefined();
    expect(tokens.fetches()).toBe(before + 1);
    // the token the server echoes is masked, in both works (the second took it from the cache)
    expect(first.outputs.body).toEqual({ ok: true, token: '***' });
    expect(second.outputs.body).toEqual({ ok: true, token: '***' });
    expect(first.live.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^fetched an OAuth2 access token from .* \(reused for \d+s\)$/),
    );
    await s.plugin.shutdown();
  });

  it('works started together share one token request', async () => {
    const before = tokens.fetches();
    const results = await Promise.all(Array.from({ length: 5 }, () => s.run(call())));
    expect(results.every((r) => r.success)).toBe(true);
    expect(tokens.fetches()).toBe(before + 1);
    await s.plugin.shutdown();
  });

  it('fetches a new token once the cached one has expired', async () => {
    tokens.setExpiresIn(1);
    const before = tokens.fetches();
    await s.run(call());
    await s.run(call());
    expect(tokens.fetches()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 1100));
    const later = await s.run(call());
    expect(later.metrics.tokenFetched).toBe(true);
    expect(tokens.fetches()).toBe(before + 2);
    await s.plugin.shutdown();
  });

  it('on a 401 drops the token, fetches a new one and sends again, once', async () => {
    await s.run(call());
    tokens.revoke();
    const before = tokens.fetches();
    const result = await s.run(call());
    expect(result.success).toBe(true);
    expect(result.metrics).toMatchObject({ attempts: 2, tokenFetched: true });
    expect(tokens.fetches()).toBe(before + 1);
    expect(result.live.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/refused the OAuth2 token \(401\)/),
    );
    // a server that refuses every token: one refresh, then the 401 is the answer
    const always = await s.run(httpWork({ url: `${api.origin}/status?code=401`, auth: auth() }));
    expect(always).toMatchObject({ success: false, outputs: { status: 401 }, metrics: { attempts: 2 } });
    await s.plugin.shutdown();
  });

  it('client_auth body sends the client id and secret in the form', async () => {
    const result = await s.run(call({ client_auth: 'body', scope: undefined, audience: 'https://api' }));
    expect(result.success).toBe(true);
    expect(tokens.lastAuth()).toBeUndefined();
    expect(Object.fromEntries(tokens.lastForm() ?? [])).toEqual({
      grant_type: 'client_credentials',
      audience: 'https://api',
      client_id: 'ubom-client',
      client_secret: 'cl1ent-s3cret-value',
    });
    await s.plugin.shutdown();
  });

  it('a refused token request resolves success:false with the OAuth2 error, secrets masked', async () => {
    tokens.failWith(400);
    const result = await s.run(call());
    expect(result.success).toBe(false);
    expect(result.error).toMatch(
      /the OAuth2 token request to http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed with HTTP 400: invalid_client: bad secret \*\*\*/,
    );
    expectNoSecret(JSON.stringify(result), 'cl1ent-s3cret-value', 'the result');
    expectNoSecret(
      JSON.stringify(result),
      Buffer.from('ubom-client:cl1ent-s3cret-value').toString('base64'),
      'the result',
    );
    expect(api.seen.filter((r) => r.url === '/protected').length).toBeGreaterThan(0);
    await s.plugin.shutdown();
  });

  it('an unreachable token endpoint rejects with a retryable UnavailableError', async () => {
    const down = await startServer();
    const url = `${down.origin}/oauth/token`;
    await down.close();
    const error = await s
      .run(httpWork({ url: `${api.origin}/protected`, auth: auth({ token_url: url }) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringMatching(/OAuth2 token request .* ECONNREFUSED/),
    });
    await s.plugin.shutdown();
  });
});
