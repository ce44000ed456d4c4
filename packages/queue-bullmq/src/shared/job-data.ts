import { ValidationError, type Work, type WorkContext } from '@ubom/core';
import type { ConfigSealer, SealedConfig } from './sealing';

/** A work without the parts that may hold secrets (`executor_config`, `inputs`), which travel sealed. */
export type WorkHeader = Omit<Work, 'executor_config' | 'inputs'>;

/** What a sealed job encrypts. */
interface SealedParts {
  executor_config: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

/** `retryOn: 'failure'`: a work that ran and failed (`success: false`) is retried too, not only errors. */
export type RetryOn = 'error' | 'failure';

/** What a job holds in Redis. Versioned so older workers can refuse newer shapes clearly. */
export interface WorkJobData {
  v: 1;
  /** The whole work, or (when `sealed`) the work without `executor_config` and `inputs`. */
  work: Work | WorkHeader;
  /** `executor_config` and `inputs`, encrypted with the queue's `secretKey`. */
  sealed?: SealedConfig;
  context: WorkContext;
  retryOn?: RetryOn;
  /** Set by `cancel()`: a worker taking the job fails it as cancelled without running it. */
  cancel?: { reason: string; at: string };
}

/** Binds sealed parts to their work: they cannot be pasted into another one. */
export const sealingAad = (work: Pick<Work, 'id' | 'type'>): string => `${work.type}\u0000${work.id}`;

export function toJobData(
  work: Work,
  context: WorkContext,
  sealer: ConfigSealer | undefined,
  retryOn: RetryOn | undefined,
): WorkJobData {
  let data: WorkJobData;
  if (sealer) {
    const { executor_config, inputs, ...header } = work;
    const parts: SealedParts = inputs === undefined ? { executor_config } : { executor_config, inputs };
    data = {
      v: 1,
      work: header,
      sealed: sealer.seal(parts as unknown as Record<string, unknown>, sealingAad(work)),
      context,
    };
  } else data = { v: 1, work, context };
  if (retryOn === 'failure') data.retryOn = retryOn;
  return data;
}

/** The work back, unsealed. Throws `ValidationError` when it cannot be. */
export function fromJobData(data: WorkJobData, sealer: ConfigSealer | undefined): Work {
  if (!data.sealed) return data.work as Work;
  if (!sealer) {
    throw ValidationError.single(
      'executor_config',
      'is encrypted but this worker has no secretKey (set the same secretKey as the producers)',
      { scope: 'queue' },
    );
  }
  const parts = sealer.unseal(data.sealed, sealingAad(data.work)) as unknown as SealedParts;
  return { ...data.work, ...parts };
}
