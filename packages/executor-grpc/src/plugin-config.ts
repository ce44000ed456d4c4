import { DURATION_PATTERN, parseDuration, ValidationError, zodIssues } from '@ubom/core';
import { z } from 'zod';
import { tlsSchema } from './config';

/** What `initialize(config)` takes (plugin-wide settings, not per work). */
export const grpcPluginConfigSchema = z.strictObject({
  max_channels: z
    .int()
    .min(1)
    .default(64)
    .meta({ description: 'Channels kept open at most (least recently used closed first).' }),
  reflection_timeout: z
    .union([z.string().regex(new RegExp(DURATION_PATTERN)), z.number().positive()])
    .default('10s')
    .meta({ description: 'Deadline of server reflection when the work sets no timeout.' }),
  health_targets: z
    .array(
      z.strictObject({
        endpoint: z.string().min(1),
        service: z
          .string()
          .default('')
          .meta({ description: 'Service name for grpc.health.v1 ("" = the server).' }),
        tls: tlsSchema.optional(),
        metadata: z.record(z.string(), z.string().meta({ writeOnly: true })).optional(),
      }),
    )
    .default([])
    .meta({ description: 'Servers `healthCheck()` asks through grpc.health.v1.' }),
});

export type GrpcPluginConfig = z.infer<typeof grpcPluginConfigSchema> & { reflectionTimeoutMs: number };

export function parsePluginConfig(raw: Record<string, unknown>): GrpcPluginConfig {
  const parsed = grpcPluginConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, 'config', grpcPluginConfigSchema);
    throw new ValidationError(issues, { scope: 'grpc' });
  }
  return { ...parsed.data, reflectionTimeoutMs: parseDuration(parsed.data.reflection_timeout) ?? 10_000 };
}

const metadataJson = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
};

/** `WorkResult.outputs` of a grpc work. */
export const OUTPUTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    response: { type: 'object', description: 'The response message (unary and client-streaming methods).' },
    responses: {
      type: 'array',
      items: { type: 'object' },
      description: 'Every response message (server-streaming and bidi).',
    },
    code: { type: 'string', description: 'Final status code name: OK, UNAVAILABLE, DEADLINE_EXCEEDED…' },
    details: { type: 'string', description: 'Status message sent by the server.' },
    headers: { ...metadataJson, description: 'Response headers (initial metadata).' },
    trailers: { ...metadataJson, description: 'Response trailers.' },
  },
  required: ['code', 'details', 'headers', 'trailers'],
} as const;
