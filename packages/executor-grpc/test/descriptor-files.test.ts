import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { ValidationError } from '@ubom/core';
import { Writer } from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dryRun,
  ECHO_PROTO,
  grpcWork,
  PROTO_DIR,
  type RunningServerT,
  setupExecutor,
  startServer,
} from './helpers';

describe('a server without reflection, described by proto files or a descriptor set', () => {
  let server: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  let tmp: string;
  let descriptorSet: string;
  const base = () => ({ endpoint: server.address, tls: { enabled: false }, method: 'demo.v1.Echo/Unary' });

  beforeAll(async () => {
    server = await startServer({ reflection: false });
    ctx = await setupExecutor();
    tmp = await mkdtemp(join(tmpdir(), 'ubom-grpc-desc-'));
    // a FileDescriptorSet as protoc -o writes it: the files proto-loader compiled, framed as field 1
    const definition = protoLoader.loadSync(ECHO_PROTO, { includeDirs: [PROTO_DIR], keepCase: true });
    const files = (definition['demo.v1.EchoRequest'] as { fileDescriptorProtos: Buffer[] })
      .fileDescriptorProtos;
    const writer = Writer.create();
    for (const file of files) writer.uint32(10).bytes(file);
    descriptorSet = join(tmp, 'echo.pb');
    writeFileSync(descriptorSet, writer.finish());
  });
  afterAll(async () => {
    await ctx.executor.shutdown();
    await server.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('calls a unary method described by proto_files + include_dirs', async () => {
    const result = await ctx.registry.execute(
      grpcWork({
        ...base(),
        proto_files: [ECHO_PROTO],
        include_dirs: [PROTO_DIR],
        request: { message: 'from protos', mood: 'SAD', at: '2020-01-01T00:00:00Z' },
      }),
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs.response).toMatchObject({
      message: 'from protos',
      mood: 'SAD',
      at: '2020-01-01T00:00:00Z',
    });
  });

  it('calls a server-streaming method described by an absolute proto path', async () => {
    const result = await ctx.registry.execute(
      grpcWork({
        ...base(),
        method: 'demo.v1.Echo/ServerStream',
        proto_files: [join(PROTO_DIR, ECHO_PROTO)],
        include_dirs: [PROTO_DIR],
        request: { repeat: 3 },
      }),
    );
    expect((result.outputs.responses as unknown[]).length).toBe(3);
  });

  it('calls a method described by a descriptor set file', async () => {
    const result = await ctx.registry.execute(
      grpcWork({ ...base(), descriptor_set: descriptorSet, request: { big_number: '-5' } }),
    );
    expect(result.outputs.response).toMatchObject({ big_number: '-5' });
  });

  it('lists the methods from the protos when the method does not exist', async () => {
    const error = (await ctx.registry
      .execute(
        grpcWork({
          ...base(),
          method: 'demo.v1.Echo/Missing',
          proto_files: [ECHO_PROTO],
          include_dirs: [PROTO_DIR],
        }),
      )
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('Unary, ServerStream, ClientStream, Bidi, Sleep, Flaky');
  });

  it('refuses a proto file that cannot be loaded, at executor_config.proto_files', async () => {
    const error = (await ctx.registry
      .execute(grpcWork({ ...base(), proto_files: ['does/not/exist.proto'], include_dirs: [PROTO_DIR] }))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]?.path).toBe('executor_config.proto_files');
  });

  it('refuses a missing descriptor set file', async () => {
    const error = (await ctx.registry
      .execute(grpcWork({ ...base(), descriptor_set: join(tmp, 'nope.pb') }))
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]?.path).toBe('executor_config.descriptor_set');
    expect(error.message).toContain('ENOENT');
  });

  it('says to give proto_files when the server has no reflection and none are given', async () => {
    const error = (await ctx.registry.execute(grpcWork(base())).catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.issues[0]?.path).toBe('executor_config.proto_files');
    expect(error.message).toContain('does not serve gRPC reflection');
  });

  it('dry run with proto files reports the health of the service', async () => {
    const report = await dryRun(
      ctx.executor,
      grpcWork({
        ...base(),
        method: 'demo.v1.Echo/Bidi',
        proto_files: [ECHO_PROTO],
        include_dirs: [PROTO_DIR],
        request: [{}, {}],
      }),
    );
    expect(report).toMatchObject({
      kind: 'bidi',
      descriptorSource: 'proto_files',
      requestMessages: 2,
      health: 'SERVING',
    });
  });
});
