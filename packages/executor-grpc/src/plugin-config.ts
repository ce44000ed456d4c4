import { z } from 'zod';
import { duration, tlsSchema } from './config';

/** What `initialize(config)` takes (plugin-wide settings, not per work). */
export const grpcPluginConfigSchema = z.strictObject({
  max_channels: z
    .int()
    .min(1)
    .default(64)
    .meta({ description: 'Channels kept open at most (least recently used closed first).' }),
  reflection_timeout: duration(
    'Deadline of server reflection (and health checks) when the work sets no timeout.',
  ).default('10s'),
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

/** The plugin config once parsed (defaults applied). */
export type GrpcPluginConfig = z.output<typeof grpcPluginConfigSchema>;
