import type { IncomingMessage } from 'node:http';
import { expectNoSecret } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
