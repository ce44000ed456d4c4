import type { LogEntry } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcWork, type RunningServerT, setupExecutor, startServer } from './helpers';

const TOKEN = 's3cr3t-t0ken-0123456789';

describe('metadata and secrets', () => {
  let server: RunningServerT;
  let echoing: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  const work = (
    target: RunningServerT,
    metadata?: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) =>
    grpcWork({
      endpoint: target.address,
      method: 'demo.v1.Echo/Unary',
      tls: { enabled: false },
      request: { message: 'hi' },
      ...(metadata ? { metadata } : {}),
      ...extra,
    });
  const secretForms = (s: string) => [
    s,
    Buffer.from(s).toString('base64').replace(/=+$/, ''),
    encodeURIComponent(s),
  ];

  beforeAll(async () => {
    server = await startServer({ token: TOKEN });
    echoing = await startServer({ echoAuthorization: true });
    ctx = await setupExecutor();
  });
  afterAll(async () => {
    await ctx.executor.shutdown();
    await Promise.all([server.stop(), echoing.stop()]);
  });

  it('sends metadata: the right bearer token is accepted', async () => {
    const result = await ctx.registry.execute(
      work(server, { authorization: `Bearer ${TOKEN}`, 'x-trace': 'abc' }),
    );
    expect(result.success).toBe(true);
    expect(server.state.lastMetadata).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-trace': 'abc' });
  });

  it('a missing token gives an UNAUTHENTICATED result, not a thrown error', async () => {
    const result = await ctx.registry.execute(work(server));
    expect(result.success).toBe(false);
    expect(result.outputs.code).toBe('UNAUTHENTICATED');
    expect(result.outputs.details).toBe('missing token');
    expect(result.error).toBe('UNAUTHENTICATED: missing token');
    expect(result.metrics.attempts).toBe(1);
  });

  it('decodes -bin metadata values from base64', async () => {
    await ctx.registry.execute(work(echoing, { 'x-blob-bin': Buffer.from([1, 2, 3]).toString('base64') }));
    expect(echoing.state.lastMetadata?.['x-blob-bin']).toEqual(Buffer.from([1, 2, 3]));
  });

  it('the executor itself never echoes request metadata into outputs or logs', async () => {
    const result = await ctx.executor.execute(work(server, { authorization: `Bearer ${TOKEN}` }), {});
    expect(result.success).toBe(true);
    for (const form of secretForms(TOKEN)) expect(JSON.stringify(result)).not.toContain(form);
  });

  it('a token the server echoes back appears nowhere: result, live logs, headers', async () => {
    const live: LogEntry[] = [];
    const result = await ctx.registry.execute(
      work(
        echoing,
        { authorization: `Bearer ${TOKEN}` },
        { method: 'demo.v1.Echo/ServerStream', request: { repeat: 2 } },
      ),
      {},
      { onLog: (e) => live.push(e) },
    );
    expect(result.success).toBe(true);
    // the server did echo it (so the masking was needed)…
    expect(JSON.stringify(result.outputs)).toContain('auth=');
    // …and it is masked everywhere
    for (const form of secretForms(TOKEN)) {
      expect(JSON.stringify(result)).not.toContain(form);
      expect(JSON.stringify(live)).not.toContain(form);
    }
  });

  it('a -bin secret the server echoes back is masked in the base64 the result shows, not only as written', async () => {
    const bytes = Buffer.from('\xfb\xff\xbe secret bytes \xfb\xff\xbe', 'latin1');
    const written = bytes.toString('base64url'); // URL-safe, unpadded: how a user may paste it
    const shown = bytes.toString('base64'); // what a server echoing the bytes makes the result show
    expect(shown).not.toContain(written);
    const direct = await ctx.executor.execute(work(echoing, { 'x-key-bin': written }), {});
    const viaRegistry = await ctx.registry.execute(work(echoing, { 'x-key-bin': written }));
    for (const result of [direct, viaRegistry]) {
      expect(result.success).toBe(true);
      expect(result.outputs.headers).toHaveProperty('x-echo-x-key-bin');
      expect(JSON.stringify(result)).not.toContain(shown);
      expect(JSON.stringify(result)).not.toContain(written);
    }
  });

  it('a token never shows in a failure either (UNAUTHENTICATED with a wrong token)', async () => {
    const wrong = `Bearer wrong-${TOKEN}`;
    const result = await ctx.registry.execute(work(server, { authorization: wrong }));
    expect(result.outputs.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(result)).not.toContain(`wrong-${TOKEN}`);
  });

  it('metadata values are marked writeOnly in the config schema', () => {
    const schema = ctx.executor.getSchema().config as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.metadata?.additionalProperties).toMatchObject({
      type: 'string',
      writeOnly: true,
    });
    const tls = schema.properties.tls as { properties: Record<string, Record<string, unknown>> };
    expect(tls.properties.client_key?.writeOnly).toBe(true);
  });
});
