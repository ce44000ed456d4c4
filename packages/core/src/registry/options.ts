import type { SecretProvider } from '../secrets/providers';
import type { EnhancedWorkExecutor, WorkType } from '../types';

export interface EnhancedWorkRegistryOptions {
  /** After a timeout or cancel, how long an executor may take to clean up before it is abandoned. Default 30 s. */
  abortGraceMs?: number;
  /**
   * Resolve `{ "$secret": "NAME" }` references in works, in this order (`envSecrets()`,
   * `fileSecrets()`, or a plugin's provider). Resolved values are masked like inline secrets.
   */
  secrets?: SecretProvider[];
  /** Bound of an executor's asynchronous `validate` before a run (within `work.timeout` too). Default 30 s. */
  validateTimeoutMs?: number;
  /** Work types that could be loaded through `resolveExecutor`, for "did you mean" on a misspelled type. */
  knownTypes?: () => Iterable<WorkType>;
  /** Names the package to install when a work's type has no executor. */
  missingExecutorHint?: (type: WorkType) => string | undefined;
  /**
   * Called once for a work type that has no executor yet (e.g. to import a discovered plugin only when
   * a work of its type runs). What it returns is registered; `undefined` means none.
   */
  resolveExecutor?: (type: WorkType) => Promise<EnhancedWorkExecutor | undefined>;
}

export interface ValidateOptions {
  /** Resolve secret references through the providers (else they are only checked for where they sit). */
  resolveSecrets?: boolean;
  /** Also check the work against its backend through the executor's `dryRun`, when it has one. */
  dryRun?: boolean;
  signal?: AbortSignal;
}
