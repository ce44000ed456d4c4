import { DURATION_PATTERN } from '@ubom/core';
import { z } from 'zod';

const pem = (what: string) =>
  z
    .string()
    .min(1)
    .meta({ description: `${what}: PEM text, or the path of a PEM file.` });

const duration = z.union([
  z.string().regex(new RegExp(DURATION_PATTERN), { message: 'must be a duration like 500ms, 10s or 1m30s' }),
  z.number().positive(),
]);

/** What `initialize(config)` takes: which engine to drive, and plugin-wide safety rules. */
export const dockerPluginConfigSchema = z
  .strictObject({
    socket_path: z
      .string()
      .min(1)
      .meta({ description: 'Unix socket of a local engine.', examples: ['/var/run/docker.sock'] })
      .optional(),
    host: z
      .string()
      .min(1)
      .meta({
        description:
          'A remote engine, DOCKER_HOST-style (`tcp://host:2376`, `unix:///path`) or a bare host name with `port`.',
        examples: ['tcp://10.0.0.5:2376', 'docker.internal'],
      })
      .optional(),
    port: z.int().min(1).max(65535).optional(),
    tls: z
      .strictObject({
        ca: pem('CA certificate of the engine').optional(),
        cert: pem('Client certificate').optional(),
        key: pem('Key of the client certificate').meta({ writeOnly: true }).optional(),
        cert_path: z
          .string()
          .min(1)
          .meta({ description: 'A folder with ca.pem, cert.pem and key.pem (like DOCKER_CERT_PATH).' })
          .optional(),
        verify: z
          .boolean()
          .default(true)
          .meta({ description: 'Check the engine certificate (like DOCKER_TLS_VERIFY).' }),
      })
      .meta({ description: 'Talk HTTPS to `host` (mutual TLS with cert + key).' })
      .optional(),
    api_version: z
      .string()
      .regex(/^v?[0-9]+\.[0-9]+$/, { message: 'must look like v1.41' })
      .optional(),
    request_timeout: duration.default('30s').meta({
      description: 'Bound of short engine calls (ping, create, start, inspect, remove), never of a run.',
    }),
    allowed_host_paths: z
      .array(z.string().regex(/^\//, { message: 'must be an absolute path' }))
      .default([])
      .meta({
        description:
          'Host folders whose contents works may bind-mount (resolved through symlinks and `..`). None by default: host bind mounts are off; named volumes are always allowed.',
        examples: [['/srv/ubom-data']],
      }),
    allow_dangerous_mounts: z.boolean().default(false).meta({
      description:
        'Also allow, under an allowed prefix, bind mounts of `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/var/lib/docker`, `/run`, `/var/run`, the Docker socket, and anything inside or holding one of them.',
    }),
    sweep_orphans: z
      .boolean()
      .default(true)
      .meta({ description: '`initialize` removes managed containers whose owner process no longer runs.' }),
  })
  .superRefine((config, ctx) => {
    if (config.socket_path !== undefined && config.host !== undefined)
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'give either socket_path or host, not both' });
    if (config.tls && config.host === undefined)
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'is only used with host' });
    if (config.port !== undefined && config.host === undefined)
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'is only used with host' });
  });

/** What `initialize(config)` takes, as written (defaults optional). */
export type DockerPluginConfigInput = z.input<typeof dockerPluginConfigSchema>;
/** The plugin config once parsed by the kernel (defaults applied). */
export type DockerPluginConfig = z.infer<typeof dockerPluginConfigSchema>;
