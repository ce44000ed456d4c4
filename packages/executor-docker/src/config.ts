import { DURATION_PATTERN, parseSize, SIZE_PATTERN } from '@ubom/core';
import { z } from 'zod';
import { splitArgs } from './argv';

/** A Go-style duration (`"10s"`, `"1m30s"`) or milliseconds. */
export const durationSchema = z.union([
  z
    .string()
    .regex(new RegExp(DURATION_PATTERN), { message: 'must be a duration like 500ms, 10s or 1m30s' })
    .meta({ examples: ['10s', '500ms', '1m30s'] }),
  z.number().nonnegative().meta({ description: 'milliseconds' }),
]);

/**
 * An image reference: `busybox`, `busybox:1.36`, `registry.example.com:5000/team/app@sha256:…`, or an
 * image ID `sha256:<64 hex>`. Lowercase repository, as Docker requires.
 */
export const IMAGE_PATTERN =
  '^(sha256:[a-f0-9]{64}|([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?)$';
/** Variable names: anything without `=` or whitespace (Docker allows `spring.profiles.active`). */
export const ENV_NAME_PATTERN = '^[^=\\s]+$';
export const CPU_PATTERN = '^[0-9]+(\\.[0-9]+)?$';
const ABSOLUTE_PATH = '^/';
/** Labels under this prefix are the executor's own (`ubom.managed`, `ubom.work-id`, `ubom.owner`). */
export const RESERVED_LABEL_PREFIX = 'ubom.';
/** Docker refuses memory limits under 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

const argv = (what: string, examples: unknown[]) =>
  z.union([z.array(z.string()).min(1), z.string().min(1)]).meta({
    description: `${what}. An array is used as is; a string is split like a shell would (quotes and backslashes), without running a shell.`,
    examples,
  });

const envName = z.string().regex(new RegExp(ENV_NAME_PATTERN), { message: 'must be a variable name' });

/** The longest path Linux resolves (`PATH_MAX`, with its NUL). */
const PATH_MAX = 4095;

export const volumeSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .max(PATH_MAX, { message: `must be at most ${PATH_MAX} characters` })
    .meta({
      description: 'An absolute host path (bind mount) or the name of a Docker volume.',
      examples: ['/srv/data', 'cache-volume'],
    }),
  target: z
    .string()
    .regex(new RegExp(ABSOLUTE_PATH), { message: 'must be an absolute path in the container' })
    .meta({
      description: 'Where the volume appears in the container (an absolute path).',
      examples: ['/data'],
    }),
  read_only: z.boolean().default(false).meta({ description: 'Mount it read-only.' }),
});

export const resourcesSchema = z
  .strictObject({
    cpu_limit: z
      .union([
        z
          .string()
          .regex(new RegExp(CPU_PATTERN), { message: 'must be a number of CPUs like 1.0 or 0.5' })
          .meta({ examples: ['1.0', '0.5'] }),
        z.number().positive(),
      ])
      .meta({ description: 'CPUs the container may use (Docker `--cpus`).', examples: ['1.0', '0.5', 2] })
      .optional(),
    memory_limit: z
      .union([
        z
          .string()
          .regex(new RegExp(SIZE_PATTERN), { message: 'must look like 512m, 1g or 256k' })
          .meta({ examples: ['512m', '1g', '65536k'] }),
        z.int().positive(),
      ])
      .meta({
        description:
          'Memory limit (Docker `--memory`), swap set equal so the limit is real. Bytes, or k/m/g.',
        examples: ['512m', '1g', '65536k'],
      })
      .optional(),
  })
  .meta({ description: 'CPU and memory limits of the container.' });

export const authSchema = z
  .strictObject({
    username: z.string().min(1).meta({ description: 'Registry user name (with password).' }).optional(),
    password: z
      .string()
      .min(1)
      .meta({ writeOnly: true, description: 'Registry password or access token (with username).' })
      .optional(),
    token: z
      .string()
      .min(1)
      .meta({ writeOnly: true, description: 'An identity token (instead of username + password).' })
      .optional(),
    server_address: z
      .string()
      .min(1)
      .meta({ description: 'Registry host; default: the one named in `image`.', examples: ['ghcr.io'] })
      .optional(),
  })
  .meta({ description: 'Registry credentials used to pull `image`. Secret: never logged or returned.' });

/**
 * `executor_config` of a `docker` work. Defined once: the TS type and the JSON Schema come from it.
 * `timeout` is not here: every kernel executor accepts it, and the kernel enforces it.
 */
export const dockerConfigSchema = z
  .strictObject({
    image: z
      .string()
      .regex(new RegExp(IMAGE_PATTERN), {
        message: 'must be an image reference like busybox:1.36 or registry.example.com/team/app:tag',
      })
      .meta({
        description:
          'The image to run: name[:tag][@digest] (pulled per pull_policy), or an image ID sha256:<hex>.',
        examples: ['python:3.12-slim', 'busybox:1.36', 'ghcr.io/acme/etl:1.4'],
      }),
    command: argv('Arguments given to the entrypoint (Docker `CMD`)', [
      ['python', 'script.py'],
      'echo hi',
    ]).optional(),
    entrypoint: argv('Replaces the image entrypoint', [['/bin/sh', '-c']]).optional(),
    environment: z
      .record(envName, z.string())
      .meta({ description: 'Variables set in the container. Not secret.', examples: [{ ENV_VAR: 'value' }] })
      .optional(),
    secret_environment: z
      .record(envName, z.string().meta({ writeOnly: true }))
      .meta({
        description:
          'Variables whose values are masked in logs, outputs and errors (still visible to `docker inspect`).',
        examples: [{ API_TOKEN: 's3cr3t' }],
      })
      .optional(),
    volumes: z
      .array(volumeSchema)
      .meta({
        description:
          'Docker volumes and host folders to mount. Host paths are refused unless the plugin config allows them (allowed_host_paths).',
      })
      .optional(),
    resources: resourcesSchema.optional(),
    working_dir: z
      .string()
      .regex(new RegExp(ABSOLUTE_PATH), { message: 'must be an absolute path in the container' })
      .meta({ description: "The command's working directory in the container.", examples: ['/app'] })
      .optional(),
    user: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, {
        message: 'must look like name, uid or uid:gid',
      })
      .meta({ description: 'Run as this user: name, uid or uid:gid.', examples: ['1000:1000', 'nobody'] })
      .optional(),
    network: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, {
        message: 'must be a network name like bridge, none or my-net',
      })
      .meta({
        description: 'The network to attach the container to (`none`: no network). Default: Docker bridge.',
        examples: ['none', 'bridge', 'etl-net'],
      })
      .optional(),
    pull_policy: z
      .enum(['if-not-present', 'always', 'never'])
      .default('if-not-present')
      .meta({ description: '`never` fails with NOT_FOUND when the image is not on the engine.' }),
    auth: authSchema.optional(),
    labels: z
      .record(z.string().min(1), z.string())
      .meta({ description: 'Extra container labels (keys starting with `ubom.` are reserved).' })
      .optional(),
    stop_grace_period: durationSchema
      .default('10s')
      .meta({ description: 'On timeout or cancel: time between SIGTERM (docker stop) and SIGKILL.' }),
    outputs_file: z
      .string()
      .regex(new RegExp(ABSOLUTE_PATH), { message: 'must be an absolute path in the container' })
      .meta({ description: 'A JSON file the container writes; read after it stops into `outputs.result`.' })
      .optional(),
    keep_container: z.boolean().default(false).meta({
      description: 'Debugging: leave the stopped container (never a running one) for `docker inspect`.',
    }),
  })
  .superRefine((config, ctx) => {
    for (const key of ['command', 'entrypoint'] as const) {
      const value = config[key];
      if (typeof value !== 'string') continue;
      const args = splitArgs(value);
      if (args === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'has an unterminated quote' });
      else if (args.length === 0) ctx.addIssue({ code: 'custom', path: [key], message: 'must not be blank' });
    }
    const auth = config.auth;
    if (auth?.password !== undefined && auth.username === undefined)
      ctx.addIssue({ code: 'custom', path: ['auth', 'username'], message: 'is required with password' });
    if (auth && auth.password === undefined && auth.token === undefined)
      ctx.addIssue({ code: 'custom', path: ['auth'], message: 'needs a password or a token' });
    for (const key of Object.keys(config.labels ?? {})) {
      if (key.startsWith(RESERVED_LABEL_PREFIX))
        ctx.addIssue({
          code: 'custom',
          path: ['labels', key],
          message: 'labels starting with "ubom." are reserved',
        });
    }
    const memory = config.resources?.memory_limit;
    if (memory !== undefined && (parseSize(memory) ?? 0) < MIN_MEMORY_BYTES)
      ctx.addIssue({ code: 'custom', path: ['resources', 'memory_limit'], message: 'must be at least 6m' });
    const cpu = config.resources?.cpu_limit;
    if (cpu !== undefined && !(Number(cpu) > 0))
      ctx.addIssue({ code: 'custom', path: ['resources', 'cpu_limit'], message: 'must be more than 0' });
    const secrets = new Set(Object.keys(config.secret_environment ?? {}));
    for (const key of Object.keys(config.environment ?? {})) {
      if (secrets.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['environment', key],
          message: 'is also in secret_environment',
        });
    }
  })
  .meta({
    examples: [
      {
        image: 'python:3.12-slim',
        command: ['python', '-c', "print('hello from a container')"],
        environment: { ENV_VAR: 'value' },
        volumes: [{ source: 'cache-volume', target: '/cache', read_only: false }],
        resources: { cpu_limit: '1.0', memory_limit: '512m' },
      },
    ],
  });

/** `executor_config` as written by a user (defaults not yet applied). */
export type DockerConfigInput = z.input<typeof dockerConfigSchema>;
/** `executor_config` once parsed (defaults applied). */
export type DockerConfig = z.infer<typeof dockerConfigSchema>;

/** `WorkResult.outputs` of a docker work. */
export const DOCKER_OUTPUTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    exit_code: { type: ['integer', 'null'], description: 'Exit code of the main process (137: killed).' },
    container_id: { type: 'string' },
    image: {
      type: ['string', 'null'],
      description: 'Repository digest (repo@sha256:…) of the image run, or its ID when it has none.',
    },
    image_id: { type: ['string', 'null'], description: 'Image ID (sha256 of its config).' },
    oom_killed: { type: 'boolean' },
    stdout: { type: 'string', description: 'The last 64 KiB of stdout.' },
    stderr: { type: 'string', description: 'The last 64 KiB of stderr.' },
    result: { description: 'The JSON the container wrote to outputs_file.' },
  },
  required: ['exit_code', 'container_id', 'image', 'image_id', 'oom_killed', 'stdout', 'stderr'],
} as const;
