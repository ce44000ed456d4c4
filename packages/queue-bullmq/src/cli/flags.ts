import { parseDuration, ValidationError } from '@ubom/core';
import type { Command } from 'commander';
import { DEFAULT_PREFIX, DEFAULT_REDIS_URL } from '../shared/connection';
import type { QueueCliIo } from './io';

export interface ConnectionFlags {
  redis?: string;
  queue?: string;
  prefix?: string;
}

export const DEFAULT_QUEUE = 'ubom';
/** Read from the environment only: a key on the command line would show in `ps`. */
export const SECRET_KEY_ENV = 'UBOM_QUEUE_SECRET_KEY';

/** `--redis`, `--queue`, `--prefix`, each with an environment fallback. */
export function connectionOptions(command: Command): Command {
  return command
    .option('--redis <url>', `Redis URL (env UBOM_REDIS_URL, default ${DEFAULT_REDIS_URL})`)
    .option('--queue <name>', `queue name (env UBOM_QUEUE, default ${DEFAULT_QUEUE})`)
    .option('--prefix <prefix>', `Redis key prefix (default ${DEFAULT_PREFIX})`);
}

export function connectionOf(flags: ConnectionFlags, io: QueueCliIo) {
  const secretKey = io.env[SECRET_KEY_ENV];
  return {
    connection: flags.redis ?? io.env.UBOM_REDIS_URL ?? DEFAULT_REDIS_URL,
    name: flags.queue ?? io.env.UBOM_QUEUE ?? DEFAULT_QUEUE,
    ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
    ...(secretKey ? { secretKey } : {}),
  };
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw ValidationError.single(flag, `must be a whole number of at least 1, got "${value}"`);
  return n;
}

export function durationMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (ms === undefined)
    throw ValidationError.single(flag, `must be a duration like 30s, 1m30s or 500ms, got "${value}"`);
  return ms;
}
