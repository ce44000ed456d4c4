import { join } from 'node:path';
import type { UbomError } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Certs,
  certs,
  ECHO_PROTO,
  grpcWork,
  PROTO_DIR,
  type RunningServerT,
  setupExecutor,
  startServer,
} from './helpers';

describe('TLS and mutual TLS (certificates made by openssl)', () => {
  let c: Certs;
  let tlsServer: RunningServerT;
  let mtlsServer: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  const unary = (server: RunningServerT, extra: Record<string, unknown>) =>
    grpcWork({
      endpoint: server.address,
      method: 'demo.v1.Echo/Unary',
      request: { message: 'secure' },
      ...extra,
    });

  beforeAll(async () => {
    c = certs();
    tlsServer = await startServer({ tls: { key: c.serverKey, cert: c.serverCert } });
    mtlsServer = await startServer({
      tls: { key: c.serverKey, cert: c.serverCert, ca: c.ca, requireClientCert: true },
    });
    ctx = await setupExecutor();
  });
  afterAll(async () => {
    await ctx.executor.shutdown();
    await Promise.all([tlsServer.stop(), mtlsServer.stop()]);
  });

  it('calls over TLS verified against ca_cert given as PEM text', async () => {
    const result = await ctx.registry.execute(unary(tlsServer, { tls: { ca_cert: c.ca } }));
    expect(result.error).toBeUndefined();
    expect(result.outputs.response).toMatchObject({ message: 'secure' });
  });

  it('reads ca_cert from a file path', async () => {
    const result = await ctx.registry.execute(unary(tlsServer, { tls: { ca_cert: join(c.dir, 'ca.crt') } }));
    expect(result.success).toBe(true);
  });

  it('uses TLS when tls is omitted, so a server signed by an unknown CA is refused', async () => {
    const error = (await ctx.registry.execute(unary(tlsServer, {})).catch((e: unknown) => e)) as UbomError;
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/certificate/i);
  });

  it('refuses a server certificate that ca_cert did not sign (call result UNAVAILABLE with proto files)', async () => {
    const result = await ctx.registry.execute(
      unary(tlsServer, { tls: { ca_cert: c.otherCa }, proto_files: [ECHO_PROTO], include_dirs: [PROTO_DIR] }),
    );
    expect(result.success).toBe(false);
    expect(result.outputs.code).toBe('UNAVAILABLE');
    expect(result.error).toMatch(/certificate/i);
  });

  it('checks server_name against the certificate instead of the endpoint host', async () => {
    const good = await ctx.registry.execute(
      unary(tlsServer, { tls: { ca_cert: c.ca, server_name: 'localhost' } }),
    );
    expect(good.success).toBe(true);
    const bad = await ctx.registry
      .execute(unary(tlsServer, { tls: { ca_cert: c.ca, server_name: 'wrong.example' } }))
      .catch((e: unknown) => e);
    expect((bad as UbomError).code).toBe('UNAVAILABLE');
  });

  it('speaks plaintext only when tls.enabled is false (and then fails against a TLS server)', async () => {
    const error = (await ctx.registry
      .execute(unary(tlsServer, { tls: { enabled: false } }))
      .catch((e: unknown) => e)) as UbomError;
    expect(error.code).toBe('UNAVAILABLE');
  });

  it('mTLS: the server refuses a client without a certificate', async () => {
    const result = await ctx.registry.execute(
      unary(mtlsServer, { tls: { ca_cert: c.ca }, proto_files: [ECHO_PROTO], include_dirs: [PROTO_DIR] }),
    );
    expect(result.success).toBe(false);
    expect(result.outputs.code).toBe('UNAVAILABLE');
  });

  it('mTLS: calls with client_cert and client_key (files), reflection included', async () => {
    const result = await ctx.registry.execute(
      unary(mtlsServer, {
        tls: { ca_cert: c.ca, client_cert: join(c.dir, 'client.crt'), client_key: join(c.dir, 'client.key') },
      }),
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs.response).toMatchObject({ message: 'secure' });
  });

  it('mTLS: the client key given as PEM text never shows in the result', async () => {
    const result = await ctx.registry.execute(
      unary(mtlsServer, { tls: { ca_cert: c.ca, client_cert: c.clientCert, client_key: c.clientKey } }),
    );
    expect(result.success).toBe(true);
    const keyBody = c.clientKey.split('\n')[1] as string;
    expect(JSON.stringify(result)).not.toContain(keyBody);
  });

  it('a client key pasted without its PEM header is refused without quoting it', async () => {
    const pasted = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPastedWithoutHeader';
    const error = (await ctx.registry
      .execute(unary(mtlsServer, { tls: { ca_cert: c.ca, client_cert: c.clientCert, client_key: pasted } }))
      .catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'VALIDATION', issues: [{ path: 'executor_config.tls.client_key' }] });
    const text = (e: unknown): string =>
      e instanceof Error ? `${e.message}${e.stack}${text(e.cause)}` : String(e);
    expect(text(error)).not.toContain(pasted);
  });

  it('refuses a cert path that cannot be read, at its config path', async () => {
    const error = await ctx.registry
      .execute(unary(tlsServer, { tls: { ca_cert: join(c.dir, 'missing.crt') } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION', issues: [{ path: 'executor_config.tls.ca_cert' }] });
  });
});
