import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { LogEntry, WorkResult } from '@ubom/core';
import { leakedEncodings, secretEncodings, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_PROTO, grpcWork, PROTO_DIR, setupExecutor } from './helpers';

/*
 * A metadata value (writeOnly) that the server prints back in every encoding core masks, through every
 * channel a grpc work has: streamed messages (live logs, result logs), the response, response headers
 * and trailers, the status details of a failed call (`error`, `outputs.details`), and the error a work
 * rejects with when server reflection fails. A request field (not secret) holding a value of the same
 * shape is printed beside it: the control that every form really reaches every channel.
 */

// printable ASCII only (metadata values), and eleven distinct forms: a space, `"`, `\`, `~`, `!`, base64 padded
const SECRET = 'gr9c t/9a+="q"?&\\z~!';
const PLAIN = 'pl4n t/9a+="q"?&\\z~!';

/** `secret <name>=<form>` for every form of the authorization value, then `plain …` for the request's message. */
function lines(call: { metadata: grpc.Metadata }, plain: string): string[] {
  const secret = String(call.metadata.get('authorization')[0] ?? '');
  return [
    ...Object.entries(secretEncodings(secret)).map(([name, form]) => `secret ${name}=${form}`),
    ...Object.entries(secretEncodings(plain)).map(([name, form]) => `plain ${name}=${form}`),
  ];
}

/** Every form as a header or trailer: `x-secret-<i>`, `x-plain-<i>`. */
function formsMetadata(call: { metadata: grpc.Metadata }, plain: string): grpc.Metadata {
  const md = new grpc.Metadata();
  const secret = String(call.metadata.get('authorization')[0] ?? '');
  for (const [i, form] of Object.values(secretEncodings(secret)).entries()) md.set(`x-secret-${i}`, form);
  for (const [i, form] of Object.values(secretEncodings(plain)).entries()) md.set(`x-plain-${i}`, form);
  return md;
}

type Call = grpc.ServerUnaryCall<{ message: string }, unknown>;
type Stream = grpc.ServerWritableStream<{ message: string }, unknown>;

/** Echo answering with the forms; `failReflection`: reflection fails with every form in its details. */
async function startFormsServer(failReflection: boolean) {
  const definition = protoLoader.loadSync([ECHO_PROTO], { keepCase: true, includeDirs: [PROTO_DIR] });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    demo: { v1: { Echo: { service: grpc.ServiceDefinition } } };
  };
  const server = new grpc.Server();
  server.addService(proto.demo.v1.Echo.service, {
    Unary(call: Call, callback: grpc.sendUnaryData<unknown>) {
      call.sendMetadata(formsMetadata(call, call.request.message));
      callback(
        null,
        { message: lines(call, call.request.message).join('\n') },
        formsMetadata(call, call.request.message),
      );
    },
    ServerStream(call: Stream) {
      call.sendMetadata(new grpc.Metadata());
      if (call.request.message === 'straddle') {
        // the hex form of the secret, ten times, around the 16 KiB where a logged message is cut
        const { hex } = secretEncodings(String(call.metadata.get('authorization')[0]));
        call.write({ message: `${'x'.repeat(16 * 1024 - 300)}${` ${hex}`.repeat(10)}` });
        return call.end();
      }
      for (const line of lines(call, call.request.message)) call.write({ message: line });
      call.end(formsMetadata(call, call.request.message));
    },
    Flaky(call: grpc.ServerUnaryCall<{ key: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      callback({ code: grpc.status.INTERNAL, details: lines(call, call.request.key).join(' | ') });
    },
  });
  if (!failReflection) new ReflectionService(definition).addToServer(server);
  else {
    const bytes = (b: Buffer) => b;
    for (const version of ['v1', 'v1alpha'])
      server.addService(
        {
          ServerReflectionInfo: {
            path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
            requestStream: true,
            responseStream: true,
            requestSerialize: bytes,
            requestDeserialize: bytes,
            responseSerialize: bytes,
            responseDeserialize: bytes,
          },
        },
        {
          ServerReflectionInfo(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
            call.on('data', () =>
              call.emit('error', { code: grpc.status.INTERNAL, details: lines(call, PLAIN).join(' | ') }),
            );
          },
        },
      );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => server.tryShutdown(() => r())),
  };
}

let ok: Awaited<ReturnType<typeof startFormsServer>>;
let refusing: Awaited<ReturnType<typeof startFormsServer>>;
let setup: Awaited<ReturnType<typeof setupExecutor>>;
beforeAll(async () => {
  ok = await startFormsServer(false);
  refusing = await startFormsServer(true);
  setup = await setupExecutor();
});
afterAll(async () => {
  await setup.executor.shutdown();
  await Promise.all([ok.stop(), refusing.stop()]);
});

const config = (method: string, extra: Record<string, unknown> = {}) => ({
  endpoint: ok.address,
  tls: { enabled: false },
  method: `demo.v1.Echo/${method}`,
  metadata: { authorization: SECRET },
  request: { message: PLAIN },
  ...extra,
});

async function run(executor_config: Record<string, unknown>, direct = false) {
  const live: LogEntry[] = [];
  const onLog = (e: LogEntry) => live.push(e);
  const work = grpcWork(executor_config);
  const result: WorkResult = direct
    ? await setup.executor.execute(work, {}, { onLog })
    : await setup.registry.execute(work, {}, { onLog });
  return { result, live };
}

const none = (text: string, where: string) => expect(leakedEncodings(text, SECRET), where).toEqual([]);
/** The control: every form of the plain value is in `text`, as it is or JSON-escaped (inside JSON text). */
function allPlain(text: string, where: string): void {
  for (const [name, form] of Object.entries(secretEncodings(PLAIN)))
    expect(
      text.includes(form) || text.includes(JSON.stringify(form).slice(1, -1)),
      `plain ${name} in ${where}`,
    ).toBe(true);
}

describe('a metadata value printed back in every encoding is masked in every channel', () => {
  it('the secret and the control value have eleven distinct forms each', () => {
    expect(new Set(Object.values(secretEncodings(SECRET))).size).toBe(11);
    expect(new Set(Object.values(secretEncodings(PLAIN))).size).toBe(11);
  });

  for (const direct of [false, true]) {
    const via = direct ? 'called directly (the kernel masks)' : 'through the registry';
    it(`${via}: streamed messages (live logs, result logs), responses and trailers`, async () => {
      const { result, live } = await run(config('ServerStream'), direct);
      expect(result.success).toBe(true);
      // every line's value was a form: the secret's became the mask, the plain one's arrived whole
      const messages = (entries: LogEntry[]) =>
        entries
          .filter((e) => e.source === 'stdout')
          .map((e) => (JSON.parse(e.message) as { message: string }).message);
      const streamed = messages(live);
      expect(streamed.filter((l) => l.startsWith('secret '))).toEqual(
        Object.keys(secretEncodings(SECRET)).map((name) => `secret ${name}=***`),
      );
      expect(streamed.filter((l) => l.startsWith('plain '))).toEqual(
        Object.entries(secretEncodings(PLAIN)).map(([name, form]) => `plain ${name}=${form}`),
      );
      expect(messages(result.logs)).toEqual(streamed);
      for (const [where, text] of [
        ['the live logs', JSON.stringify(live)],
        ['result.logs', JSON.stringify(result.logs)],
        ['the streamed messages', streamed.join('\n')],
      ] as const)
        none(text, where);
      for (const [where, text] of [
        ['outputs.responses', JSON.stringify(result.outputs.responses)],
        ['outputs.trailers', JSON.stringify(result.outputs.trailers)],
      ] as const) {
        none(text, where);
        allPlain(text, where);
      }
    });

    it(`${via}: the unary response and its headers`, async () => {
      const { result, live } = await run(config('Unary'), direct);
      expect(result.success).toBe(true);
      const message = (result.outputs.response as { message: string }).message;
      expect(message.split('\n').filter((l) => l.startsWith('secret '))).toEqual(
        Object.keys(secretEncodings(SECRET)).map((name) => `secret ${name}=***`),
      );
      allPlain(message, 'outputs.response');
      for (const key of ['headers', 'trailers'] as const) {
        const md = result.outputs[key] as Record<string, string>;
        expect(Object.values(secretEncodings(SECRET)).map((_, i) => md[`x-secret-${i}`])).toEqual(
          Array(11).fill('***'),
        );
        allPlain(JSON.stringify(md), `outputs.${key}`);
      }
      none(JSON.stringify(result), 'the result');
      none(JSON.stringify(live), 'the live logs');
    });

    it(`${via}: the status details of a failed call (error, outputs.details)`, async () => {
      const { result, live } = await run(config('Flaky', { request: { key: PLAIN } }), direct);
      expect(result.success).toBe(false);
      expect(result.error).toMatch(/^INTERNAL: secret as_is=\*\*\* \| secret base64=\*\*\* \| /);
      for (const [where, text] of [
        ['the error', String(result.error)],
        ['outputs.details', String(result.outputs.details)],
      ] as const) {
        none(text, where);
        allPlain(text, where);
      }
      none(JSON.stringify(result), 'the result');
      none(JSON.stringify(live), 'the live logs');
    });
  }

  it('a streamed message longer than a log entry keeps, with a form where it is cut: no part of it logged', async () => {
    const { result, live } = await run(config('ServerStream', { request: { message: 'straddle' } }));
    expect(result.success).toBe(true);
    const [entry] = live.filter((e) => e.source === 'stdout');
    // masked first, the message is short enough to be logged whole: no cut, so no piece of a form
    expect(entry?.message).toContain(`x${' ***'.repeat(10)}`);
    expect(entry?.message).not.toContain('…');
    const { hex } = secretEncodings(SECRET);
    for (const text of [JSON.stringify(live), JSON.stringify(result)])
      expect(text.includes(hex.slice(0, 8)), 'the start of the hex form').toBe(false);
  });

  it('the error a work rejects with when server reflection fails with every form in its details', async () => {
    const outcome = await settle(run(config('Unary', { endpoint: refusing.address })));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const error = outcome.error as Error & { code?: string };
    expect(error.code).toBe('UNAVAILABLE');
    const text = [
      error.message,
      error.stack,
      JSON.stringify(error),
      String((error.cause as Error)?.message),
    ].join('\n');
    expect(error.message).toMatch(/INTERNAL: secret as_is=\*\*\* \| /);
    none(text, 'the thrown error');
    allPlain(error.message, 'the thrown error');
  });
});
