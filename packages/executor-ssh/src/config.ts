import { DURATION_PATTERN, type KernelConfigKeys } from '@ubom/core';
import { z } from 'zod';

/** Environment variable names the remote command may receive. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** A host key fingerprint as `ssh-keygen -l` prints it: `SHA256:` and 43 base64 characters. */
export const FINGERPRINT_PATTERN = '^SHA256:[A-Za-z0-9+/]{43}=?$';

/** A Go duration (`"30s"`) or milliseconds. */
export const duration = (description: string) =>
  z
    .union([
      z
        .string()
        .regex(new RegExp(DURATION_PATTERN))
        .meta({ examples: ['30s', '1m30s', '500ms'] }),
      z.number().int().nonnegative().meta({ description: 'milliseconds' }),
    ])
    .meta({ description });

const secret = (description: string) => z.string().min(1).meta({ writeOnly: true, description });
const envName = z.string().regex(new RegExp(ENV_NAME_PATTERN));

/** Where and as whom to connect, and how the server proves it is who it claims: shared by `jump_host`. */
const endpointShape = {
  host: z
    .string()
    .min(1)
    .meta({ description: 'Host name or IP address of the SSH server.', examples: ['build-1.example.com'] }),
  port: z.int().min(1).max(65535).default(22).meta({ description: 'TCP port of the SSH server.' }),
  username: z
    .string()
    .min(1)
    .meta({ description: 'Login name on the server.', examples: ['deploy'] }),
  private_key: secret(
    'A private key (OpenSSH or PEM text) to authenticate with. Give it as a `{ "$secret": … }` reference.',
  ).optional(),
  passphrase: secret('Decrypts an encrypted `private_key`.').optional(),
  password: secret('Password (also answered to keyboard-interactive prompts).').optional(),
  agent: z
    .union([z.literal(true), z.string().min(1)])
    .optional()
    .meta({
      description:
        "Authenticate through an ssh-agent: `true` for the executor's `SSH_AUTH_SOCK`, or the agent socket's path.",
      examples: [true, '/run/user/1000/ssh-agent.sock'],
    }),
  host_key: z
    .union([
      z.string().regex(new RegExp(FINGERPRINT_PATTERN)),
      z.array(z.string().regex(new RegExp(FINGERPRINT_PATTERN))).min(1),
    ])
    .optional()
    .meta({
      description:
        "The fingerprint(s) of the server's host key, as `ssh-keygen -lf` prints them. Any other key is refused.",
      examples: ['SHA256:Cz4NwQ0f3v1s4Ck0rA7v2dYQ1p8r5bX3LzQ9yJ2hK6M'],
    }),
  known_hosts: z.string().min(1).optional().meta({
    description:
      'known_hosts lines (the text itself) the host key must match, as OpenSSH writes them (hashed names and [host]:port included).',
  }),
  known_hosts_file: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Path of a known_hosts file on the executor's machine the host key must match." }),
  insecure_accept_any_host_key: z.literal(true).optional().meta({
    description:
      'Skip the host key check (anyone on the path can impersonate the server). Logged as a warning on every work.',
  }),
};

export const endpointSchema = z.strictObject(endpointShape);

/** A file written over SFTP before the command runs. */
export const uploadSchema = z.strictObject({
  target: z
    .string()
    .min(1)
    .meta({ description: 'Remote path; a relative one is relative to the login directory.' }),
  content: z.string().optional().meta({ description: 'The file content (UTF-8 text).' }),
  source: z.string().min(1).optional().meta({ description: "A local file on the executor's machine." }),
  mode: z
    .string()
    .regex(/^0?[0-7]{3}$/)
    .optional()
    .meta({ description: 'Permissions of the remote file, octal.', examples: ['0600', '755'] }),
});

/** `executor_config` of an `ssh` work. Defined once: the TS type and the JSON Schema come from it. */
export const sshConfigSchema = z
  .strictObject({
    ...endpointShape,
    jump_host: endpointSchema.optional().meta({
      description: 'One bastion to connect through (like ProxyJump): its own address, login and host key.',
    }),
    command: z.union([z.string().min(1), z.array(z.string()).min(1)]).meta({
      description:
        'The remote command. A string is shell code for the remote login shell; an array is a program and its arguments, each quoted for a POSIX shell.',
      examples: ['systemctl restart app && journalctl -u app -n 20', ['ls', '-l', '/srv/my app']],
    }),
    environment: z.record(envName, z.string()).optional().meta({
      description: 'Variables set for the command. Not secret: they are part of the remote command line.',
    }),
    secret_environment: z
      .record(envName, z.string().meta({ writeOnly: true }))
      .optional()
      .meta({
        description:
          "Variables set for the command, sent over the session's standard input (never on a command line) and masked everywhere.",
      }),
    cwd: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Remote working directory (must exist); a leading `~` is the login's home." }),
    pty: z
      .boolean()
      .default(false)
      .meta({ description: 'Allocate a pseudo-terminal: stderr is merged into stdout, lines end in CRLF.' }),
    remote_shell: z.enum(['posix', 'none']).default('posix').meta({
      description:
        '`posix`: the login shell is a POSIX shell; environment, cwd and the stop of the whole process group are prepared as shell code. `none`: the command string is sent as is (network gear, Windows); environment goes as SSH env requests the server must accept (AcceptEnv).',
    }),
    upload: z
      .array(uploadSchema)
      .optional()
      .meta({ description: 'Files written over SFTP before the command runs, in order.' }),
    kill_grace_period: duration(
      'On timeout or cancel: time between SIGTERM and SIGKILL of the remote process group.',
    ).default('5s'),
    connect_timeout: duration('Time allowed to connect, verify the host key and authenticate.').default(
      '20s',
    ),
  })
  .meta({
    // a whole config, as `ubom new ssh` writes it: one way to authenticate (the host key is checked
    // against the known_hosts files of the plugin config)
    examples: [{ host: 'build-1.example.com', username: 'deploy', agent: true, command: 'uptime' }],
  });

/**
 * `executor_config` as written by a user (defaults not yet applied). `timeout` is the kernel's: every
 * executor built with `defineExecutor` takes it, and the kernel enforces it.
 */
export type SshConfigInput = z.input<typeof sshConfigSchema> & KernelConfigKeys;
/** `executor_config` once parsed (defaults applied, `timeout` taken out by the kernel). */
export type SshConfig = z.infer<typeof sshConfigSchema>;
/** Where to connect and how: the work's own fields, or its `jump_host`. */
export type SshEndpoint = z.infer<typeof endpointSchema>;
export type SshUpload = z.infer<typeof uploadSchema>;

/** What `initialize(config)` takes: the connection pool and the default known_hosts files. */
export const sshPluginConfigSchema = z.strictObject({
  max_connections_per_host: z.int().min(1).default(4).meta({
    description: 'Connections kept per host, user and credentials; works beyond wait for a free session.',
  }),
  max_sessions_per_connection: z.int().min(1).default(8).meta({
    description:
      "Commands run at once on one connection (OpenSSH's MaxSessions is 10: two are left for stopping commands).",
  }),
  idle_timeout: duration(
    'An unused connection is closed after this long; 0 closes it after each work.',
  ).default('30s'),
  keepalive_interval: duration('SSH keepalive interval of pooled connections; 0 turns it off.').default(
    '15s',
  ),
  known_hosts_files: z
    .array(z.string().min(1))
    .default(['~/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'])
    .meta({
      description:
        'known_hosts files checked when a work gives no host_key, known_hosts, known_hosts_file or insecure_accept_any_host_key.',
    }),
});

export type SshPluginConfig = z.output<typeof sshPluginConfigSchema>;
