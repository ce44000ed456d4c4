import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UnavailableError, ValidationError, type ValidationIssue } from '@ubom/core';
import type { ProcessConfig } from './config';

const SCOPE = 'process';

const isWindows = process.platform === 'win32';
/** libuv's search path when the child has no PATH. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Longer paths name nothing (Linux's PATH_MAX): not searched for, not stat-ed. */
const PATH_MAX = 4096;

/**
 * A name as messages quote it, whole: cutting it here could cut a secret in it so that the masker no
 * longer recognises what is left (the CLI cuts long messages after masking).
 */
const quoted = (name: string): string => `"${name}"`;

export interface CommandLine {
  file: string;
  args: string[];
  /** The config key that names `file`, for error paths. */
  fileKey: 'command[0]' | 'shell';
}

/** The shell used for `shell: true`. */
export const defaultShell = (): string => (isWindows ? (process.env.ComSpec ?? 'cmd.exe') : '/bin/sh');

/**
 * What to spawn. Without a shell, `command` is the argv itself. With one, a string is the script and an
 * array is joined with spaces first (as Node's own `spawn(…, { shell })` does), so the shell expands it.
 */
export function commandLine(config: Pick<ProcessConfig, 'command' | 'shell'>): CommandLine {
  if (config.shell !== false) {
    const shell = config.shell === true ? defaultShell() : config.shell;
    const script = typeof config.command === 'string' ? config.command : config.command.join(' ');
    const args = isWindows ? ['/d', '/s', '/c', `"${script}"`] : ['-c', script];
    return { file: shell, args, fileKey: 'shell' };
  }
  const argv = typeof config.command === 'string' ? [config.command] : config.command;
  const [file = '', ...args] = argv;
  return { file, args, fileKey: 'command[0]' };
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, isWindows ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `name` resolves the way the child's spawn would: a path (with a separator) relative to `cwd`,
 * else the first executable match on the child's `PATH`. `undefined` when there is none.
 */
export async function findExecutable(
  name: string,
  pathVar: string | undefined,
  cwd: string,
): Promise<string | undefined> {
  if (name.length === 0 || name.length > PATH_MAX) return undefined;
  const exts = isWindows ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  const candidates =
    name.includes('/') || (isWindows && name.includes('\\')) || isAbsolute(name)
      ? [resolve(cwd, name)]
      : (pathVar ?? FALLBACK_PATH)
          .split(delimiter)
          .filter((dir) => dir.length > 0)
          .map((dir) => join(resolve(cwd, dir), name));
  for (const candidate of candidates) {
    for (const ext of exts) if (await isExecutableFile(candidate + ext)) return candidate + ext;
  }
  return undefined;
}

/**
 * Why the command cannot start: the working directory is missing or not a directory, or the program
 * does not resolve on the child's `PATH` (or is not an executable file). `undefined` when it can.
 * The dry run asks before a work; a failed spawn asks after the fact, so both say the same thing.
 */
export async function runnableProblem(
  config: Pick<ProcessConfig, 'command' | 'shell' | 'cwd'>,
  env: Record<string, string>,
): Promise<ValidationIssue | undefined> {
  const cwd = resolve(config.cwd ?? '.');
  if (config.cwd !== undefined) {
    const info = cwd.length > PATH_MAX ? undefined : await stat(cwd).catch(() => undefined);
    if (!info)
      return { path: 'executor_config.cwd', message: `directory ${quoted(config.cwd)} does not exist` };
    if (!info.isDirectory())
      return { path: 'executor_config.cwd', message: `${quoted(config.cwd)} is not a directory` };
  }
  const line = commandLine(config);
  if (await findExecutable(line.file, env.PATH, cwd)) return undefined;
  const message = line.file.includes('/')
    ? `${quoted(line.file)} is not an executable file`
    : `command ${quoted(line.file)} was not found on PATH`;
  return { path: `executor_config.${line.fileKey}`, message };
}

/**
 * The error of a command that could not start (nothing ran, so the work rejects). Spawn is not
 * preceded by a PATH search or a `cwd` stat (they cost ~0.5 ms a work): its ENOENT or EACCES is
 * explained here, after the fact, with the dry run's own `ValidationError`.
 */
export async function spawnFailure(
  error: unknown,
  config: Pick<ProcessConfig, 'command' | 'shell' | 'cwd'>,
  env: Record<string, string>,
): Promise<Error> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const missing = code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'ENAMETOOLONG';
  if (missing) {
    const problem = await runnableProblem(config, env);
    if (problem) return new ValidationError([problem], { scope: SCOPE, cause: error });
  }
  const { file } = commandLine(config);
  // found and executable, yet ENOENT: a script whose `#!` interpreter is missing; E2BIG: the arguments
  // and environment are more than the system takes (retrying won't help either); otherwise the
  // machine is short of something (EAGAIN, EMFILE) and a retry may succeed
  const hint =
    code === 'ENOENT'
      ? ' (is the interpreter on its #! line installed?)'
      : code === 'E2BIG'
        ? ' (the arguments and environment are too long: Linux takes 128 KiB per argument or variable, about 2 MiB in all)'
        : '';
  return new UnavailableError(
    `could not start ${quoted(file)}: ${(error as Error | undefined)?.message ?? String(error)}${hint}`,
    { scope: SCOPE, cause: error, retryable: !missing && code !== 'E2BIG' },
  );
}
