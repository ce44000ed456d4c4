import { UbomError, UnavailableError } from '@ubom/core';

/**
 * A Redis failure as `UnavailableError`. The original is NOT kept as `cause`: ioredis errors carry the
 * command's arguments, which may hold a work (and, unsealed, its secrets).
 */
export function asRedisError(cause: unknown, what: string): UbomError {
  if (cause instanceof UbomError) return cause;
  const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
  return new UnavailableError(`${what}: ${message.replace(/ script: [0-9a-f]{40}.*$/, '')}`, {
    scope: 'queue',
  });
}
