import type { ValidationError } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import { grpcConfigJsonSchema, grpcConfigSchema } from '../src';
import { parseConfig, RETRY_DEFAULTS } from '../src/config';
import { retryChannelOptions } from '../src/retry';

const valid = { endpoint: 'localhost:50051', method: 'demo.v1.Echo/Unary' };
const issuesOf = (raw: unknown) => {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as ValidationError).issues;
  }
  return [];
};

describe('executor_config', () => {
  it('returns a valid config as given: no retry policy unless asked, no deadline', () => {
    const raw = { ...valid, tls: { enabled: false } };
    expect(parseConfig(raw)).toBe(raw);
    expect(retryChannelOptions(parseConfig(valid).retry)).toEqual({ maxAttempts: 1 });
    expect(retryChannelOptions({ max_attempts: 1 })).toEqual({ maxAttempts: 1 });
  });

  it('applies the schema defaults of retry, in the form grpc-js service configs take', () => {
    expect(RETRY_DEFAULTS).toEqual({
      max_attempts: 3,
      initial_delay: '1s',
      max_delay: '10s',
      backoff_multiplier: 2,
      retryable_codes: ['UNAVAILABLE'],
    });
    const config = parseConfig({ ...valid, retry: { initial_delay: '250ms', max_delay: '1m' } });
    const options = retryChannelOptions(config.retry);
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

  it('reports every problem at once, each at its path', () => {
    const issues = issuesOf({
      endpoint: 'has space:1',
      method: 'NoSlash',
      timeout: 'soon',
      tls: { enabled: false, ca_cert: 'x', sever_name: 'y' },
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
        'executor_config.tls.ca_cert',
        'executor_config.tls.sever_name',
      ].sort(),
    );
    expect(issues.find((i) => i.path === 'executor_config.tls.sever_name')?.message).toContain(
      'did you mean "server_name"',
    );
  });

  it('checks the rules a JSON Schema cannot: mTLS pairs, certificates with plaintext, one descriptor source', () => {
    expect(issuesOf({ ...valid, tls: { client_key: 'k' } })).toEqual([
      { path: 'executor_config.tls.client_cert', message: 'is required with client_key' },
    ]);
    expect(issuesOf({ ...valid, tls: { enabled: false, server_name: 'x' } })[0]?.path).toBe(
      'executor_config.tls.server_name',
    );
    expect(issuesOf({ ...valid, proto_files: ['a.proto'], descriptor_set: 'b.pb' })[0]?.path).toBe(
      'executor_config.descriptor_set',
    );
    expect(issuesOf({ ...valid, include_dirs: ['protos'] })[0]?.path).toBe('executor_config.include_dirs');
  });

  it('never shows a secret value in an issue', () => {
    const issues = issuesOf({
      ...valid,
      metadata: { authorization: 42 },
      tls: { client_key: 7, client_cert: 'c' },
    });
    expect(JSON.stringify(issues)).not.toContain('42');
  });

  it('publishes a JSON Schema (2020-12) from the same zod definition, secrets marked writeOnly', () => {
    const schema = grpcConfigJsonSchema as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['endpoint', 'method']);
    expect(JSON.stringify(schema)).toContain('"writeOnly":true');
    // the examples are valid configs
    for (const example of (schema.examples as unknown[]) ?? [])
      expect(grpcConfigSchema.safeParse(example).success).toBe(true);
  });
});
