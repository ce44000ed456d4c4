import { ValidationError, type Work, type WorkContext } from '@ubom/core';
import type { ConfigSealer, SealedConfig } from './sealing';

/** A work without its `executor_config`, which travels separately (maybe sealed). */
export type WorkHeader = Omit<Work, 'executor_config'>;

/** `retryOn: 'failure'`: a work that ran and failed (`success: false`) is retried too, not only errors. */
export type RetryOn = 'error' | 'failure';

/** What a job holds in Redis. Versioned so older workers can refuse newer shapes clearly. */
export interface WorkJobData {
  v: 1;
  work: WorkHeader;
  config: { plain: Record<string, unknown> } | { sealed: SealedConfig };
  context: WorkContext;
  retryOn?: RetryOn;
  /** Set by `cancel()`: a worker taking the job fails it as cancelled without running it. */
  cancel?: { reason: string; at: string };
}

/** Binds a sealed config to its work. */
export const sealingAad = (work: Pick<Work, 'id' | 'type'>): string => `${work.type}\u0000${work.id}`;

export function toJobData(
  work: Work,
  context: WorkContext,
  sealer: ConfigSealer | undefined,
  retryOn: RetryOn | undefined,
): WorkJobData {
  const { executor_config: config, ...header } = work;
  const data: WorkJobData = {
    v: 1,
    work: header,
    config: sealer ? { sealed: sealer.seal(config, sealingAad(work)) } : { plain: config },
    context,
  };
  if (retryOn === 'failure') data.retryOn = retryOn;
  return data;
}

/** The work back, its config unsealed. Throws `ValidationError` when it cannot be. */
export function fromJobData(data: WorkJobData, sealer: ConfigSealer | undefined): Work {
  const { config } = data;
  if ('plain' in config) return { ...data.work, executor_config: config.plain };
  if (!sealer) {
    throw ValidationError.single(
      'executor_config',
      'is encrypted but this worker has no secretKey (set the same secretKey as the producers)',
      { scope: 'queue' },
    );
  }
  return { ...data.work, executor_config: sealer.unseal(config.sealed, sealingAad(data.work)) };
}
