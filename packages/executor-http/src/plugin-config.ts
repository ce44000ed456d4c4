import { z } from 'zod';
import { version } from '../package.json';
import { duration } from './config';

/** What `initialize(config)` takes (plugin-wide settings, not per work). */
export const httpPluginConfigSchema = z.strictObject({
  connections_per_origin: z
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Connections kept per origin at most (default: as many as requests in flight).' }),
  keep_alive_timeout: duration('How long an idle pooled connection stays open.').default('4s'),
  max_tls_profiles: z.int().min(1).default(32).meta({
    description: 'Distinct TLS settings with their own pools at most (least recently used closed first).',
  }),
  user_agent: z.string().min(1).default(`ubom-executor-http/${version}`).meta({
    description: 'User-Agent sent unless a work sets its own.',
  }),
});

export type HttpPluginConfig = z.output<typeof httpPluginConfigSchema>;
