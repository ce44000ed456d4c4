import type { IncomingMessage } from 'node:http';
import { expectNoSecret } from '@ubom/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

/** Message and stack of an error and of its causes. */
function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  return `${error.message}\n${error.stack ?? ''}\n${errorText(error.cause, depth + 1)}`;
}

/** Every encoding a server might print a credential in. */
function encodings(value: string): Record<string, string> {
  const bytes = Buffer.from(value);
  return {
    raw: value,
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    url: encodeURIComponent(value),
    json: JSON.stringify(value),
  };
}

/** What the server received as credentials, printed back in every encoding, in the body and a header. */
function leak(req: IncomingMessage): { body: Record<string, unknown>; header: string } {
  const sent = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
  const credential = sent.replace(/^(Basic|Bearer) /, '');
  const decoded = sent.startsWith('Basic ') ? Buffer.from(credential, 'base64').toString() : credential;
  const password = decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : decoded;
  return {
    body: { header: encodings(sent), credential: encodings(credential), password: encodings(password) },
    header: Buffer.from(password).toString('base64'),
  };
}

describe('auth: basic, bearer, API key; every credential and derived value masked', () => {
  let server: TestServer;
  let s: Setup;
  beforeAll(async () => {
    server = await startServer({
      routes: {
        '/leak': (req, res) => {
          const { body, header } = leak(req);
          json(res, 200, body, { 'x-leak': header });
        },
        '/leak-500': (req, res) => json(res, 500, leak(req).body),
      },
    });
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await server.close();
  });

  const cases = [
    {
      name: 'basic',
      auth: { type: 'basic', username: 'ada', password: 'pa55-w0rd/with+chars=' },
      secret: 'pa55-w0rd/with+chars=',
    },
    {
      name: 'bearer',
      auth: { type: 'bearer', token: 'bearer-t0ken.abc/def' },
      secret: 'bearer-t0ken.abc/def',
    },
    {
      name: 'api_key',
      auth: { type: 'api_key', header: 'X-Api-Key', value: 'k3y-0123456789' },
      secret: 'k3y-0123456789',
    },
  ] as const;

  for (const { name, auth, secret } of cases) {
    it(`${name}: sends the credential and masks it (and what derives from it) in outputs, logs and errors`, async () => {
      const result = await s.run(httpWork({ url: `${server.origin}/leak`, auth }));
      expect(result.success).toBe(true);
      const seen = server.seen.at(-1)?.headers ?? {};
      if (name === 'basic')
        expect(seen.authorization).toBe(`Basic ${Buffer.from(`ada:${secret}`).toString('base64')}`);
      if (name === 'bearer') expect(seen.authorization).toBe(`Bearer ${secret}`);
      if (name === 'api_key') expect(seen['x-api-key']).toBe(secret);
      const derived =
        name === 'basic'
          ? [
              Buffer.from(`ada:${secret}`).toString('base64'),
              `Basic ${Buffer.from(`ada:${secret}`).toString('base64')}`,
            ]
          : [];
      const failed = await s.run(httpWork({ url: `${server.origin}/leak-500`, auth }));
      expect(failed.success).toBe(false);
      // a thrown error (the connection dropped), with its causes
      const thrown = await s.run(httpWork({ url: `${server.origin}/drop`, auth })).catch((e: unknown) => e);
      expect(thrown).toMatchObject({ code: 'UNAVAILABLE' });
      const shown = JSON.stringify([result, failed, result.live, failed.live]) + errorText(thrown);
      for (const value of [secret, ...derived]) {
        expectNoSecret(shown, value, 'the results');
        for (const form of Object.values(encodings(value)))
          expect(shown).not.toContain(form.replace(/^"|"$/g, ''));
      }
      expect(JSON.stringify(result.outputs.body)).toContain('***');
    });
  }
});

interface TokenServer {
  server: TestServer;
  fetches: () => number;
  lastForm: () => URLSearchParams | undefined;
  lastAuth: () => string | undefined;
  revoke: () => void;
  setExpiresIn: (s: number | undefined) => void;
  failWith: (status: number | undefined) => void;
}

/** An OAuth2 token endpoint (client credentials) on its own origin. */
async function tokenServer(clientId: string, clientSecret: string, valid: Set<string>): Promise<TokenServer> {
  let n = 0;
  let form: URLSearchParams | undefined;
  let auth: string | undefined;
  let expiresIn: number | undefined = 3600;
  let failure: number | undefined;
  const server = await startServer({
    routes: {
      '/oauth/token': (req, res, body) => {
        form = new URLSearchParams(body);
        auth = req.headers.authorization;
        if (failure)
          return json(res, failure, {
            error: 'invalid_client',
            error_description: `bad secret ${clientSecret}`,
          });
        const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        const byBody = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
        if (
          req.method !== 'POST' ||
          form.get('grant_type') !== 'client_credentials' ||
          (auth !== basic && !byBody)
        )
          return json(res, 401, { error: 'invalid_client' });
        n++;
        const token = `access-token-${n}-${Math.random().toString(36).slice(2)}`;
        valid.add(token);
        json(res, 200, {
          access_token: token,
          token_type: 'Bearer',
          ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        });
      },
    },
  });
  return {
    server,
    fetches: () => n,
    lastForm: () => form,
    lastAuth: () => auth,
    revoke: () => valid.clear(),
    setExpiresIn: (s) => {
      expiresIn = s;
    },
    failWith: (status) => {
      failure = status;
    },
  };
}

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
