import { ValidationError } from '@ubom/core';

/** A queue name as BullMQ accepts it: non-empty, no `:`. */
export function queueName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0)
    throw ValidationError.single('name', 'must be a non-empty string (the queue name)', { scope: 'queue' });
  if (name.includes(':'))
    throw ValidationError.single('name', `must not contain ":", got "${name}"`, { scope: 'queue' });
  return name;
}
