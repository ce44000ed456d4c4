import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { json, startServer, type TestServer } from './support/server';

const dir = inject('certDir');
const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name));

describe('TLS: ca_cert, server_name, mutual TLS, insecure_skip_verify', () => {
  let plain: TestServer;
  let named: TestServer;
  let mutual: TestServer;
  let s: Setup;
  beforeAll(async () => {
    const whoami = {
      '/whoami': (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        json(res, 200, { client: peer?.subject?.CN ?? null });
      },
    };
    plain = await startServer({ tls: { key: read('server.key'), cert: read('server.crt') }, routes: whoami });
    named = await startServer({ tls: { key: read('named.key'), cert: read('named.crt') } });
    mutual = await startServer({
      tls: { key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true },
      routes: whoami,
    });
    s = await setup();
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await Promise.all([plain.close(), named.close(), mutual.close()]);
  });

  it('verifies the server against ca_cert given as a file path or as PEM text', async () => {
    const byPath = await s.run(httpWork({ url: `${plain.origin}/echo`, tls: { ca_cert: file('ca.crt') } }));
    expect(byPath.success).toBe(true);
    const byText = await s.run(
      httpWork({ url: `${plain.origin}/echo`, tls: { ca_cert: read('ca.crt').toString() } }),
    );
    expect(byText.success).toBe(true);
  });

  it('refuses a server the CA does not vouch for: UnavailableError, not retryable, with a hint', async () => {
    const error = await s.run(httpWork({ url: `${plain.origin}/echo` })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: false,
      message: expect.stringMatching(/tls\.ca_cert/),
    });
    const other = await s
      .run(httpWork({ url: `${plain.origin}/echo`, tls: { ca_cert: file('other-ca.crt') } }))
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
  });

  it('server_name checks the certificate against another name than the URL host', async () => {
    const wrong = await s
      .run(httpWork({ url: `${named.origin}/echo`, tls: { ca_cert: file('ca.crt') } }))
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/api\.test|altname|Hostname/i),
    });
    const right = await s.run(
      httpWork({ url: `${named.origin}/echo`, tls: { ca_cert: file('ca.crt'), server_name: 'api.test' } }),
    );
    expect(right.success).toBe(true);
  });

  it('presents the client certificate for mutual TLS; without it the server refuses', async () => {
    const tls = { ca_cert: file('ca.crt'), client_cert: file('client.crt'), client_key: file('client.key') };
    const result = await s.run(httpWork({ url: `${mutual.origin}/whoami`, tls }));
    expect(result.outputs.body).toEqual({ client: 'ubom-test-client' });
    const refused = await s
      .run(httpWork({ url: `${mutual.origin}/whoami`, tls: { ca_cert: file('ca.crt') } }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('never presents the client certificate to another origin after a redirect', async () => {
    plain.route('/to-mutual', (_req, res) => {
      res.writeHead(302, { location: `${mutual.origin}/whoami` });
      res.end();
    });
    const tls = { ca_cert: file('ca.crt'), client_cert: file('client.crt'), client_key: file('client.key') };
    const connections = mutual.accepted();
    const requests = mutual.seen.length;
    const error = await s.run(httpWork({ url: `${plain.origin}/to-mutual`, tls })).catch((e: unknown) => e);
    // the redirect reached the other origin, whose handshake failed for want of a client certificate
    expect(mutual.accepted()).toBeGreaterThan(connections);
    expect(mutual.seen.length).toBe(requests);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('a client key that is neither PEM nor a readable file is a ValidationError that does not quote it', async () => {
    const key = 'not-a-key-but-a-s3cret-value';
    const error = await s
      .run(
        httpWork({
          url: `${mutual.origin}/whoami`,
          tls: { client_cert: file('client.crt'), client_key: key },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION', issues: [{ path: 'executor_config.tls.client_key' }] });
    expect(JSON.stringify(error) + String(error)).not.toContain(key);
  });

  it('insecure_skip_verify accepts any certificate and says so loudly in a warn entry', async () => {
    const result = await s.run(
      httpWork({ url: `${plain.origin}/echo`, tls: { insecure_skip_verify: true } }),
    );
    expect(result.success).toBe(true);
    expect(result.live[0]).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/verification is OFF \(tls\.insecure_skip_verify: true\)/),
    });
  });

  it('the dry run connects with the same checks: untrusted is a ValidationError, trusted reports the TLS version', async () => {
    const untrusted = await s.registry
      .validateWork(httpWork({ url: `${plain.origin}/echo` }), { dryRun: true })
      .catch((e: unknown) => e);
    expect(untrusted).toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'executor_config.url', message: expect.stringMatching(/TLS check/) }],
    });
    const found = await s.plugin.dryRun(
      httpWork({ url: `${plain.origin}/echo`, tls: { ca_cert: file('ca.crt') } }),
    );
    expect(found).toEqual({
      reachable: [
        { url: plain.origin, addresses: ['127.0.0.1'], tls: expect.stringMatching(/^TLSv1\.[23]$/) },
      ],
    });
  });
});
