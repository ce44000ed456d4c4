import type { LogEntry, ValidationError } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRun, grpcWork, type RunningServerT, setupExecutor, startServer } from './helpers';

describe('calling methods resolved by server reflection', () => {
  let server: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  const config = (method: string, extra: Record<string, unknown> = {}) => ({
    endpoint: server.address,
    method: `demo.v1.Echo/${method}`,
    tls: { enabled: false },
    ...extra,
  });

  beforeAll(async () => {
    server = await startServer();
    ctx = await setupExecutor();
  });
  afterAll(async () => {
    await ctx.executor.shutdown();
    await server.stop();
  });

  it('makes a unary call: JSON in, JSON out with proto field names, int64 as strings, enums as names', async () => {
    const result = await ctx.registry.execute(
      grpcWork(
        config('Unary', {
          request: {
            message: 'hello',
            big_number: '9223372036854775807',
            mood: 'HAPPY',
            tags: ['a', 'b'],
            inner: { note: 'n', values: [1, 2] },
            counts: { x: 3 },
            payload: Buffer.from('bytes!').toString('base64'),
            at: '2024-05-06T07:08:09.5Z',
            label: 'wrapped',
            text_choice: 'picked',
          },
        }),
      ),
    );
    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);
    const response = result.outputs.response as Record<string, unknown>;
    expect(response).toMatchObject({
      message: 'hello',
      big_number: '9223372036854775807',
      mood: 'HAPPY',
      tags: ['a', 'b'],
      inner: { note: 'n', values: [1, 2] },
      counts: { x: 3 },
      payload: Buffer.from('bytes!').toString('base64'),
      at: '2024-05-06T07:08:09.500Z',
      label: 'wrapped',
      unsigned_big: '0',
    });
    expect(result.outputs.code).toBe('OK');
    expect(result.outputs.headers).toMatchObject({ 'x-served-by': 'demo' });
    expect(result.outputs.trailers).toMatchObject({ 'x-call-count': expect.any(String) });
    expect(result.metrics).toMatchObject({ attempts: 1, method: '/demo.v1.Echo/Unary', messagesReceived: 1 });
  });

  it('accepts lowerCamelCase JSON names and int64 given as numbers', async () => {
    const result = await ctx.registry.execute(
      grpcWork(
        config('Unary', { request: { bigNumber: 42, unsignedBig: '18446744073709551615', delayMs: 0 } }),
      ),
    );
    expect(result.outputs.response).toMatchObject({ big_number: '42', unsigned_big: '18446744073709551615' });
  });

  it('sends work.inputs as the request when executor_config.request is absent', async () => {
    const result = await ctx.registry.execute({
      ...grpcWork(config('Unary')),
      inputs: { message: 'from inputs' },
    });
    expect(result.outputs.response).toMatchObject({ message: 'from inputs' });
  });

  it('streams server-streaming responses to onLog as they arrive and returns them all in outputs.responses', async () => {
    const live: LogEntry[] = [];
    const result = await ctx.registry.execute(
      grpcWork(config('ServerStream', { request: { message: 'tick', repeat: 4, delay_ms: 20 } })),
      {},
      { onLog: (entry) => live.push(entry) },
    );
    expect(result.success).toBe(true);
    const responses = result.outputs.responses as Record<string, unknown>[];
    expect(responses.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    const stdout = live.filter((e) => e.source === 'stdout');
    expect(stdout.map((e) => (JSON.parse(e.message) as { index: number }).index)).toEqual([0, 1, 2, 3]);
    expect(result.logs.filter((e) => e.source === 'stdout')).toHaveLength(4);
    expect(result.outputs.response).toBeUndefined();
  });

  it('sends a JSON array as the client stream', async () => {
    const result = await ctx.registry.execute(
      grpcWork(config('ClientStream', { request: [{ message: 'a' }, { message: 'b' }, { message: 'c' }] })),
    );
    expect(result.outputs.response).toMatchObject({ message: 'a,b,c', received: 3 });
    expect(result.metrics.messagesSent).toBe(3);
  });

  it('runs a bidi stream from a JSON array and collects every answer', async () => {
    const result = await ctx.registry.execute(
      grpcWork(config('Bidi', { request: [{ message: 'x' }, { message: 'y' }] })),
    );
    expect((result.outputs.responses as { message: string }[]).map((r) => r.message)).toEqual(['X', 'Y']);
  });

  it('refuses a method that does not exist with a ValidationError listing the service methods', async () => {
    const error = (await ctx.registry
      .execute(grpcWork(config('Unray')))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.issues[0]?.path).toBe('executor_config.method');
    expect(error.message).toContain('did you mean "Unary"');
    expect(error.message).toContain('Unary, ServerStream, ClientStream, Bidi, Sleep, Flaky');
  });

  it('refuses a service the server does not have, naming the ones it has', async () => {
    const error = (await ctx.registry
      .execute(grpcWork({ ...config('Unary'), method: 'demo.v1.Missing/Unary' }))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('demo.v1.Echo');
  });

  it('refuses bad request fields before calling, naming every one with its path', async () => {
    const before = server.state.calls;
    const error = (await ctx.registry
      .execute(
        grpcWork(config('Unary', { request: { mesage: 'x', mood: 'GLAD', inner: { values: ['one'] } } })),
      )
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.issues.map((i) => i.path)).toEqual([
      'executor_config.request.mesage',
      'executor_config.request.mood',
      'executor_config.request.inner.values[0]',
    ]);
    expect(error.issues[0]?.message).toContain('did you mean "message"');
    expect(error.issues[1]?.message).toContain('MOOD_UNSPECIFIED, HAPPY, SAD');
    expect(server.state.calls).toBe(before);
  });

  it('names the inputs path when the bad field came from work.inputs', async () => {
    const error = (await ctx.registry
      .execute({ ...grpcWork(config('Unary')), inputs: { big_number: 'lots' } })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((i) => i.path)).toEqual(['inputs.big_number']);
  });

  it('refuses an array request for a unary method', async () => {
    const error = (await ctx.registry
      .execute(grpcWork(config('Unary', { request: [{ message: 'a' }] })))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]?.path).toBe('executor_config.request');
  });

  it('dry run: resolves the method, encodes the request and asks grpc.health.v1, without calling', async () => {
    const before = server.state.calls;
    const report = await dryRun(ctx.executor, grpcWork(config('ServerStream', { request: { repeat: 2 } })));
    expect(report).toEqual({
      method: '/demo.v1.Echo/ServerStream',
      kind: 'server_streaming',
      descriptorSource: 'reflection',
      requestMessages: 1,
      health: 'SERVING',
    });
    expect(server.state.calls).toBe(before);
  });

  it('dry run refuses an unknown method like execute does', async () => {
    await expect(dryRun(ctx.executor, grpcWork(config('Nope')))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
