import type { ValidationError, Work } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import { createPlugin, grpcConfigJsonSchema, grpcConfigSchema } from '../src';
import { retryChannelOptions } from '../src/retry';

const valid = { endpoint: 'localhost:50051', method: 'demo.v1.Echo/Unary' };
const plugin = createPlugin();
const work = (executor_config: unknown): Work =>
  ({ id: 'config-test', type: 'grpc', executor_config }) as Work;
/** The issues of the kernel's one parse (zod schema, then the executor's cross-field rules). */
const issuesOf = async (raw: unknown) => {
  try {
    await plugin.validate(work(raw));
  } catch (error) {
    return (error as ValidationError).issues;
  }
  return [];
};

describe('executor_config', () => {
  it('parses a valid config with its defaults: TLS on, no retry policy unless asked, no deadline', async () => {
    expect(await issuesOf(valid)).toEqual([]);
    const config = grpcConfigSchema.parse({ ...valid, tls: {} });
    expect(config).toEqual({ ...valid, tls: { enabled: true } });
    expect(retryChannelOptions(config.retry)).toEqual({ maxAttempts: 1 });
    const once = grpcConfigSchema.parse({ ...valid, retry: { max_attempts: 1 } });
    expect(retryChannelOptions(once.retry)).toEqual({ maxAttempts: 1 });
  });

  it('applies the schema defaults of retry, in the form grpc-js service configs take', () => {
    const config = grpcConfigSchema.parse({ ...valid, retry: {} });
    expect(config.retry).toEqual({
      max_attempts: 3,
      initial_delay: '1s',
      max_delay: '10s',
      backoff_multiplier: 2,
      retryable_codes: ['UNAVAILABLE'],
    });
    const custom = grpcConfigSchema.parse({ ...valid, retry: { initial_delay: '250ms', max_delay: '1m' } });
    const options = retryChannelOptions(custom.retry);
    expect(JSON.parse(options.serviceConfig ?? '{}')).toEqual({
      methodConfig: [
        {
          name: [{}],
          retryPolicy: {
            maxAttempts: 3,
            initialBackoff: '0.25s',
            maxBackoff: '60s',
            backoffMultiplier: 2,
            retryableStatusCodes: ['UNAVAILABLE'],
          },
        },
      ],
    });
  });

  it('reports every problem of the schema at once, each at its path, the own timeout included', async () => {
    const issues = await issuesOf({
      endpoint: 'has space:1',
      method: 'NoSlash',
      timeout: 'soon',
      tls: { enabled: false, sever_name: 'y' },
      metadata: { Authorization: 'Bearer x' },
      retry: { max_attempts: 11, backoff_multiplier: 0.5 },
      extra: true,
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'executor_config.endpoint',
        'executor_config.extra',
        'executor_config.metadata.Authorization',
        'executor_config.method',
        'executor_config.retry.backoff_multiplier',
        'executor_config.retry.max_attempts',
        'executor_config.timeout',
        'executor_config.tls.sever_name',
      ].sort(),
    );
    expect(issues.find((i) => i.path === 'executor_config.tls.sever_name')?.message).toContain(
      'did you mean "server_name"',
    );
  });

  it('checks the rules a JSON Schema cannot: mTLS pairs, certificates with plaintext, one descriptor source', async () => {
    expect(await issuesOf({ ...valid, tls: { client_key: 'k' } })).toEqual([
      { path: 'executor_config.tls.client_cert', message: 'is required with client_key' },
    ]);
    expect(await issuesOf({ ...valid, tls: { enabled: false, server_name: 'x', ca_cert: 'c' } })).toEqual([
      { path: 'executor_config.tls.ca_cert', message: 'has no effect when tls.enabled is false' },
      { path: 'executor_config.tls.server_name', message: 'has no effect when tls.enabled is false' },
    ]);
    expect((await issuesOf({ ...valid, proto_files: ['a.proto'], descriptor_set: 'b.pb' }))[0]?.path).toBe(
      'executor_config.descriptor_set',
    );
    expect((await issuesOf({ ...valid, include_dirs: ['protos'] }))[0]?.path).toBe(
      'executor_config.include_dirs',
    );
  });

  it("durations have core's one maximum (596h), the own timeout as the retry delays", async () => {
    expect(await issuesOf({ ...valid, timeout: '597h', retry: { initial_delay: '9999999999h' } })).toEqual([
      { path: 'executor_config.timeout', message: 'must be at most 596h' },
      { path: 'executor_config.retry.initial_delay', message: 'must be at most 596h' },
    ]);
    expect(await issuesOf({ ...valid, timeout: '596h', retry: { max_delay: '596h' } })).toEqual([]);
  });

  it('never shows a secret value in an issue', async () => {
    const issues = await issuesOf({
      ...valid,
      metadata: { authorization: 42 },
      tls: { client_key: 7, client_cert: 'c' },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'executor_config.metadata.authorization',
      'executor_config.tls.client_key',
    ]);
    expect(JSON.stringify(issues)).not.toContain('42');
  });

  it('refuses a metadata value HTTP/2 cannot carry (a control character, non-ASCII), without showing it', async () => {
    const issues = await issuesOf({
      ...valid,
      metadata: { 'x-one': 'ok', 'x-nul': 'a\u0000b', 'x-accent': 'caf\u00e9', 'x-bin': 'AAEC' },
    });
    const message = 'must be printable ASCII (space to ~); bytes go under a key ending in -bin, as base64';
    expect(issues).toEqual([
      { path: 'executor_config.metadata.x-nul', message },
      { path: 'executor_config.metadata.x-accent', message },
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/caf|a\\u0000b/);
  });

  it('publishes a JSON Schema (2020-12) from the same zod definition, the own timeout added, secrets writeOnly', async () => {
    const schema = grpcConfigJsonSchema;
    expect(schema).toEqual(plugin.getSchema().config);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['endpoint', 'method']);
    expect(Object.keys(schema.properties as object)).toContain('timeout');
    expect(JSON.stringify(schema)).toContain('"writeOnly":true');
    // the examples are valid configs
    const examples = (schema.examples as unknown[]) ?? [];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(await issuesOf(example)).toEqual([]);
  });
});
