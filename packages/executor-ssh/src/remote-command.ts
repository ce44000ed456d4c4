import type { SshConfig } from './config';

/** Quotes one word for a POSIX shell: as is when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command as shell code: a string as written, an argv quoted word by word. */
export function commandText(command: string | readonly string[]): string {
  return typeof command === 'string' ? command : command.map(shellQuote).join(' ');
}

/**
 * The line the remote shell prints first on stderr: the pid of the session's shell, which sshd made a
 * session and process group leader, so the executor can stop the whole group on cancel.
 */
export const PID_MARK = '\u001eubom-pid:';

/** A secret value as one line of stdin: plain, or `printf %b`-escaped when it holds a line break. */
function secretLine(value: string): { line: string; escaped: boolean } {
  if (!/[\r\n]/.test(value)) return { line: value, escaped: false };
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return { line: escaped, escaped: true };
}

/** A directory for `cd`: quoted, with a leading `~` meaning the login's home as in a shell. */
function directory(path: string): string {
  if (path === '~') return '"$HOME"';
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/** What is sent for one command: the exec string, what goes to its stdin, and whether its pid is reported. */
export interface RemoteCommand {
  /** The string of the SSH `exec` request. */
  exec: string;
  /** Written to the session's stdin first (the secret variables), or `''`. */
  stdin: string;
  /** SSH `env` requests (`remote_shell: none` only). */
  env: Record<string, string> | undefined;
  /** True when the command reports its process group (`remote_shell: posix`). */
  reportsPid: boolean;
}

type CommandConfig = Pick<
  SshConfig,
  'command' | 'environment' | 'secret_environment' | 'cwd' | 'remote_shell'
>;

/**
 * Builds the remote command. For a POSIX login shell, a prelude in the same shell (builtins only, no
 * extra process) reports the shell's pid on stderr, reads the secret variables from stdin (so they never
 * appear on a command line), exports the plain ones and changes directory; then the command runs as
 * it would have on its own. For `remote_shell: none` the command goes as written and the variables
 * as SSH `env` requests.
 */
export function remoteCommand(config: CommandConfig): RemoteCommand {
  const text = commandText(config.command);
  if (config.remote_shell === 'none') {
    const env = { ...config.environment, ...config.secret_environment };
    return { exec: text, stdin: '', env: Object.keys(env).length > 0 ? env : undefined, reportsPid: false };
  }
  const prelude = [`printf '\\036ubom-pid:%s\\n' "$$" >&2`];
  // plain variables first: a secret one of the same name wins
  for (const [name, value] of Object.entries(config.environment ?? {}))
    prelude.push(`${name}=${shellQuote(value)}; export ${name}`);
  let stdin = '';
  for (const [name, value] of Object.entries(config.secret_environment ?? {})) {
    const { line, escaped } = secretLine(value);
    stdin += `${line}\n`;
    prelude.push(`IFS= read -r ${name} || exit 125`);
    if (escaped) prelude.push(`${name}=$(printf '%bx' "$${name}"); ${name}=\${${name}%x}`);
    prelude.push(`export ${name}`);
  }
  // the command reads end-of-file, as from /dev/null; the channel itself stays open for a signal
  prelude.push('exec </dev/null');
  if (config.cwd !== undefined) prelude.push(`cd -- ${directory(config.cwd)} || exit 1`);
  return { exec: `${prelude.join('\n')}\n${text}`, stdin, env: undefined, reportsPid: true };
}

/**
 * Stops a process group from a second session: SIGTERM to the group, up to `graceSeconds` for its
 * leader to go (sshd reaps it at once), then SIGKILL to whatever is left of the group.
 */
export function stopGroupCommand(pid: number, graceSeconds: number): string {
  const ticks = Math.max(1, Math.ceil(graceSeconds * 10));
  return [
    `kill -s TERM -- -${pid} 2>/dev/null || exit 0`,
    'i=0',
    `while kill -0 ${pid} 2>/dev/null && [ "$i" -lt ${ticks} ]; do`,
    // a sleep without fractions (POSIX only asks for whole seconds) counts as ten ticks
    '  sleep 0.1 2>/dev/null || { sleep 1; i=$((i+9)); }; i=$((i+1))',
    'done',
    `kill -s KILL -- -${pid} 2>/dev/null`,
    'exit 0',
  ].join('\n');
}
