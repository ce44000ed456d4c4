import type { IncomingMessage } from 'node:http';
import type { LogEntry, WorkResult } from '@ubom/core';
import { leakedEncodings, secretEncodings } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

/*
 * A bearer token (writeOnly) that a real HTTP server prints back in every encoding core masks, through
 * every channel an http work has: the body (outputs.body), response headers, the live and result logs
 * (a redirect's location, the note on a body that is not JSON), the error of a failed status (its
 * body excerpt) and of a body that had to be JSON. A query parameter (not secret) holding a value of
 * the same shape goes through the same routes: the control that every form reaches every channel.
 */

// printable ASCII (a header value), eleven distinct forms: a space, `"`, `\`, `~`, `!`, base64 padded
const SECRET = 'h7tp t/9a+="q"?&\\z~!';
const PLAIN = 'pl4n t/9a+="q"?&\\z~!';
const FORMS = (value: string) => Object.values(secretEncodings(value));
/** The forms a URL carries unchanged (no space, `"` or `\` for the URL parser to escape). */
const URL_SAFE = (value: string) =>
  Object.entries(secretEncodings(value))
    .filter(([name]) => name !== 'as_is' && name !== 'json')
    .map(([, form]) => form);

/** The token sent, and the control value (query `p`). */
function values(req: IncomingMessage): { secret: string; plain: string } {
  const secret = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
  return { secret, plain: new URL(req.url ?? '/', 'http://x').searchParams.get('p') ?? '' };
}

let server: TestServer;
let http: Setup;
beforeAll(async () => {
  server = await startServer({
    routes: {
      // every form in the JSON body and as headers x-secret-<i>, x-plain-<i>
      '/forms': (req, res) => {
        const { secret, plain } = values(req);
        const headers: Record<string, string> = {};
        for (const [i, form] of FORMS(secret).entries()) headers[`x-secret-${i}`] = form;
        for (const [i, form] of FORMS(plain).entries()) headers[`x-plain-${i}`] = form;
        json(res, 200, { secret: secretEncodings(secret), plain: secretEncodings(plain) }, headers);
      },
      // the URL-safe forms in the location (logged), then /forms
      '/redirect': (req, res) => {
        const { secret, plain } = values(req);
        const forms = [...URL_SAFE(secret), ...URL_SAFE(plain)].join(',');
        res.writeHead(302, { location: `/forms?p=${encodeURIComponent(plain)}&f=${forms}` });
        res.end();
      },
      // a failed status: the forms of one of the two values (`who`) in the body the error quotes
      '/fail': (req, res) => {
        const { secret, plain } = values(req);
        const who = new URL(req.url ?? '/', 'http://x').searchParams.get('who');
        res.writeHead(500, { 'content-type': 'text/plain' });
        // `straddle`: the hex form across the 512th character, where the error's excerpt is cut
        if (who === 'straddle') res.end(`${'x'.repeat(505)} ${secretEncodings(secret).hex} end`);
        else res.end(FORMS(who === 'plain' ? plain : secret).join(' '));
      },
      // "JSON" that is not: the value itself first (a JSON.parse message quotes the start of the text)
      '/not-json': (req, res) => {
        const { secret, plain } = values(req);
        const who = new URL(req.url ?? '/', 'http://x').searchParams.get('who');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${who === 'plain' ? plain : secret} is not JSON`);
      },
    },
  });
  http = await setup();
});
afterAll(async () => {
  await http.plugin.shutdown();
  await server.close();
});

async function run(path: string, direct = false): Promise<{ result: WorkResult; live: LogEntry[] }> {
  const work = httpWork({
    url: `${server.origin}${path}${path.includes('?') ? '&' : '?'}p=${encodeURIComponent(PLAIN)}`,
    auth: { type: 'bearer', token: SECRET },
  });
  if (!direct) {
    const { live, ...result } = await http.run(work);
    return { result, live };
  }
  const plugin = createPlugin();
  const live: LogEntry[] = [];
  try {
    return { result: await plugin.execute(work, {}, { onLog: (e) => live.push(e) }), live };
  } finally {
    await plugin.shutdown();
  }
}

const none = (text: string, where: string) => expect(leakedEncodings(text, SECRET), where).toEqual([]);
const all = (text: string, forms: string[], where: string) => {
  for (const form of forms) expect(text, `${form} in ${where}`).toContain(form);
};

describe('a bearer token printed back in every encoding is masked in every channel', () => {
  it('the secret and the control value have eleven distinct forms each', () => {
    expect(new Set(FORMS(SECRET)).size).toBe(11);
    expect(new Set(FORMS(PLAIN)).size).toBe(11);
  });

  for (const direct of [false, true]) {
    const via = direct ? 'called directly (the kernel masks)' : 'through the registry';

    it(`${via}: the body, the response headers, and the redirect's location in the logs`, async () => {
      const { result, live } = await run('/redirect', direct);
      expect(result.success).toBe(true);
      const body = result.outputs.body as { secret: Record<string, string>; plain: Record<string, string> };
      expect(body.secret).toEqual(
        Object.fromEntries(Object.keys(secretEncodings(SECRET)).map((n) => [n, '***'])),
      );
      expect(body.plain).toEqual(secretEncodings(PLAIN));
      const headers = result.outputs.headers as Record<string, string>;
      expect(FORMS(SECRET).map((_, i) => headers[`x-secret-${i}`])).toEqual(Array(11).fill('***'));
      expect(FORMS(PLAIN).map((_, i) => headers[`x-plain-${i}`])).toEqual(FORMS(PLAIN));
      const logged = live.map((e) => e.message).join('\n');
      expect(logged).toMatch(/→ 302, redirected to /);
      all(logged, URL_SAFE(PLAIN), 'the live logs');
      all(result.logs.map((e) => e.message).join('\n'), URL_SAFE(PLAIN), 'result.logs');
      none(logged, 'the live logs');
      none(JSON.stringify(live), 'the live entries');
      none(JSON.stringify(result), 'the result');
    });

    it(`${via}: the body excerpt in the error of a failed status`, async () => {
      const failed = await run('/fail?who=secret', direct);
      expect(failed.result.success).toBe(false);
      expect(failed.result.error).toMatch(
        new RegExp(`^HTTP 500 Internal Server Error from GET .*: ${'\\*\\*\\* '.repeat(10)}\\*\\*\\*$`),
      );
      none(JSON.stringify(failed), 'the failed work');
      const control = await run('/fail?who=plain', direct);
      all(String(control.result.error), FORMS(PLAIN), 'the error');
      // a form where the excerpt is cut: masked before the cut, so no piece of it is quoted
      const cut = await run('/fail?who=straddle', direct);
      expect(cut.result.error).toMatch(/x \*\*\* en…$/);
      expect(String(cut.result.error)).not.toContain(secretEncodings(SECRET).hex.slice(0, 4));
    });

    it(`${via}: a body that says it is JSON but is not (the note in the logs, the error with response_format json)`, async () => {
      const noted = await run('/not-json?who=secret', direct);
      expect(noted.result.success).toBe(true);
      expect(noted.result.outputs.body).toBe('*** is not JSON');
      const note = noted.live.find((e) => e.level === 'warn')?.message ?? '';
      expect(note).toMatch(/the response body is not JSON/);
      // not even the start of the value: the parser's message quotes the first characters of the text
      for (const text of [JSON.stringify(noted), note])
        expect(text.includes(SECRET.slice(0, 6)), `the start of the secret in ${text}`).toBe(false);
      none(JSON.stringify(noted), 'the work');
    });
  }

  it('the error of a body that had to be JSON (response_format json)', async () => {
    const { live, ...result } = await http.run(
      httpWork({
        url: `${server.origin}/not-json?who=secret`,
        auth: { type: 'bearer', token: SECRET },
        response_format: 'json',
      }),
    );
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/the response body is not JSON/);
    for (const text of [JSON.stringify(result), JSON.stringify(live)])
      expect(text.includes(SECRET.slice(0, 6)), `the start of the secret in ${text}`).toBe(false);
  });
});
