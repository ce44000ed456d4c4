import {
  DURATION_PATTERN,
  formatDuration,
  type KernelConfigKeys,
  MAX_DURATION_MS,
  parseDuration,
} from '@ubom/core';
import { z } from 'zod';

/** Environment variable names the child may receive: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** `inherit_env` entries: a name, or a prefix ending with `*` (`LC_*`). */
export const INHERIT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*\\*?$';

const AT_MOST = `must be at most ${formatDuration(MAX_DURATION_MS)}`;
/** A Go-style duration or milliseconds, at most core's one maximum (596h), like every UBOM duration. */
const duration = z.union([
  z
    .string()
    .regex(new RegExp(DURATION_PATTERN))
    .refine((v) => !((parseDuration(v) ?? 0) > MAX_DURATION_MS), { message: AT_MOST })
    .meta({ examples: ['30s', '1m30s', '500ms'] }),
  z
    .number()
    .int()
    .nonnegative()
    .max(MAX_DURATION_MS, { message: AT_MOST })
    .meta({ description: 'milliseconds' }),
]);
const envName = z.string().regex(new RegExp(ENV_NAME_PATTERN));
/**
 * What reaches the operating system as a C string (a program, an argument, a directory, a variable's
 * value) cannot hold NUL: refused here rather than by `spawn`'s own throw. A refinement, not a JSON
 * Schema `pattern`, so the message says why.
 */
const cString = () =>
  z.string().refine((s) => !s.includes('\0'), { message: 'must not contain a NUL character (\\0)' });

/** `executor_config` of a `process` work. Defined once: the TS type and the JSON Schema come from it. */
export const processConfigSchema = z
  .object({
    command: z.union([z.array(cString()).min(1), cString().min(1)]).meta({
      description:
        'The program and its arguments, run without a shell. A single string is allowed only with `shell`, which then interprets it.',
      examples: [['echo', 'hello from ubom'], ['node', 'build.js', '--prod'], 'ls -l | wc -l'],
    }),
    shell: z
      .union([z.boolean(), cString().min(1)])
      .default(false)
      .meta({
        description: 'Run `command` through a shell: `true` for /bin/sh, or the path of a shell.',
        examples: [true, '/bin/bash'],
      }),
    cwd: cString()
      .min(1)
      .optional()
      .meta({ description: 'Working directory (must exist).', examples: ['/srv/app'] }),
    environment: z
      .record(envName, cString())
      .optional()
      .meta({
        description: 'Variables set for the command. Not secret: they may appear in logs.',
        examples: [{ NODE_ENV: 'production' }],
      }),
    secret_environment: z
      .record(envName, cString().meta({ writeOnly: true }))
      .optional()
      .meta({
        description:
          'Variables set for the command whose values are masked everywhere (logs, outputs, errors).',
        examples: [{ API_TOKEN: 's3cr3t' }],
      }),
    inherit_env: z
      .union([z.boolean(), z.array(z.string().regex(new RegExp(INHERIT_NAME_PATTERN)))])
      .optional()
      .meta({
        description:
          "Variables taken from the executor's own environment: `true` for all, `false` for none, or a list of names (`LC_*` prefixes allowed). Default: PATH, HOME, USER, LOGNAME, SHELL, LANG, LC_*, TZ, TMPDIR.",
        examples: [true, ['PATH', 'HOME', 'LC_*']],
      }),
    kill_grace_period: duration
      .default('5s')
      .meta({ description: 'On timeout or cancel, time between SIGTERM and SIGKILL of the process group.' }),
    output: z
      .enum(['text', 'json'])
      .default('text')
      .meta({ description: '`json`: the last non-empty stdout line is parsed into `outputs.result`.' }),
    stdin: z
      .string()
      .optional()
      .meta({ description: "Written to the command's standard input, which is then closed." }),
  })
  .strict()
  // the one rule the shape cannot say; also checked when other keys have problems (every issue at once)
  .refine((config) => typeof config.command !== 'string' || config.shell !== false, {
    path: ['command'],
    message: 'a single string needs `shell: true` (or write the command as an array, e.g. ["ls", "-l"])',
    when: ({ issues }) => issues.every((i) => i.path?.[0] !== 'command' && i.path?.[0] !== 'shell'),
  });

/**
 * `executor_config` as written by a user (defaults not yet applied). `timeout` is the kernel's: every
 * executor built with `defineExecutor` takes it, and the kernel enforces it.
 */
export type ProcessConfigInput = z.input<typeof processConfigSchema> & KernelConfigKeys;
/** `executor_config` once parsed (defaults applied, `timeout` taken out by the kernel). */
export type ProcessConfig = z.infer<typeof processConfigSchema>;
