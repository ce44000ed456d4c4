import type { LogEntry } from '@ubom/core';
import type { ErrorDescriptor } from './error-descriptor';

/** A job's `progress`: which attempt runs, how many log rows it wrote, and why it last failed. */
export interface WorkProgress {
  attempt: number;
  logs: number;
  error?: ErrorDescriptor;
}

/** A stored log row (`job.log`): the entry plus its attempt and its index within that attempt. */
export type LogRow = LogEntry & { attempt: number; n: number };
