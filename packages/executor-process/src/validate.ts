import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError, type ValidationIssue, type Work, zodIssues } from '@ubom/core';
import { commandLine, findExecutable } from './command';
import { type ProcessConfig, processConfigSchema } from './config';
import { childEnvironment } from './environment';

const SCOPE = { scope: 'process' };

/** Checks the schema's rules and the ones it cannot express. Throws `ValidationError` with every problem. */
export function parseConfig(work: Work): ProcessConfig {
  const parsed = processConfigSchema.safeParse(work.executor_config);
  if (!parsed.success)
    throw new ValidationError(zodIssues(parsed.error, 'executor_config', processConfigSchema), SCOPE);
  const config = parsed.data;
  if (typeof config.command === 'string' && config.shell === false) {
    throw ValidationError.single(
      'executor_config.command',
      'a single string needs `shell: true` (or write the command as an array, e.g. ["ls", "-l"])',
      SCOPE,
    );
  }
  return config;
}

/** The dry run: the working directory exists and the program resolves on the child's PATH. */
export async function checkRunnable(config: ProcessConfig): Promise<ValidationIssue[]> {
  const cwd = resolve(config.cwd ?? '.');
  if (config.cwd !== undefined) {
    const info = await stat(cwd).catch(() => undefined);
    if (!info) return [{ path: 'executor_config.cwd', message: `directory "${config.cwd}" does not exist` }];
    if (!info.isDirectory())
      return [{ path: 'executor_config.cwd', message: `"${config.cwd}" is not a directory` }];
  }
  const line = commandLine(config);
  const env = childEnvironment(config);
  if (await findExecutable(line.file, env.PATH, cwd)) return [];
  const where = line.file.includes('/')
    ? `"${line.file}" is not an executable file`
    : `command "${line.file}" was not found on PATH`;
  return [{ path: `executor_config.${line.fileKey}`, message: where }];
}

export async function validateWork(work: Work): Promise<void> {
  const config = parseConfig(work);
  const issues = await checkRunnable(config);
  if (issues.length > 0) throw new ValidationError(issues, SCOPE);
}
