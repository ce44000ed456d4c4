import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { ProcessConfig } from './config';

const isWindows = process.platform === 'win32';
/** libuv's search path when the child has no PATH. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

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
