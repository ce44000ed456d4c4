import { parseDuration } from '@ubom/core';
import { type GrpcRetryConfig, RETRY_DEFAULTS } from './config';

/** grpc-js refuses a service config whose retry policy asks for fewer than 2 attempts. */
const MIN_POLICY_ATTEMPTS = 2;
/** grpc-js caps maxAttempts at 5 unless this channel option raises the cap. */
export const MAX_ATTEMPTS_OPTION = 'grpc-node.retry_max_attempts_limit';

/** `1500` ms → `"1.5s"`, the duration form service configs take. */
function seconds(ms: number): string {
  const s = Math.max(ms, 1) / 1000;
  return `${Number(s.toFixed(9))}s`;
}

const NO_RETRY: RetryChannelOptions = { maxAttempts: 1 };
/** Service configs by retry config: the same few policies come back for every work. */
const cache = new Map<string, RetryChannelOptions>();

export interface RetryChannelOptions {
  /** JSON of the channel's default service config (`grpc.service_config`), when retries are on. */
  serviceConfig?: string;
  maxAttempts: number;
}

/**
 * The retry policy as grpc-js's own service config (gRFC A6): grpc-js does the backoff with jitter
 * (`random(0, min(initial * multiplier^n, max))`), retries only `retryable_codes`, never retries a
 * call once the server has answered with headers, and keeps the call's deadline across attempts.
 */
export function retryChannelOptions(given: GrpcRetryConfig | undefined): RetryChannelOptions {
  if (!given) return NO_RETRY;
  const maxAttempts = given.max_attempts ?? RETRY_DEFAULTS.max_attempts;
  if (maxAttempts < MIN_POLICY_ATTEMPTS) return NO_RETRY;
  const key = JSON.stringify(given);
  const cached = cache.get(key);
  if (cached) return cached;
  const retry = {
    max_attempts: maxAttempts,
    initial_delay: given.initial_delay ?? RETRY_DEFAULTS.initial_delay,
    max_delay: given.max_delay ?? RETRY_DEFAULTS.max_delay,
    backoff_multiplier: given.backoff_multiplier ?? RETRY_DEFAULTS.backoff_multiplier,
    retryable_codes: given.retryable_codes ?? RETRY_DEFAULTS.retryable_codes,
  };
  const initial = parseDuration(retry.initial_delay) ?? 1000;
  const max = Math.max(parseDuration(retry.max_delay) ?? 10_000, initial);
  const serviceConfig = {
    methodConfig: [
      {
        name: [{}],
        retryPolicy: {
          maxAttempts: retry.max_attempts,
          initialBackoff: seconds(initial),
          maxBackoff: seconds(max),
          backoffMultiplier: retry.backoff_multiplier,
          retryableStatusCodes: retry.retryable_codes,
        },
      },
    ],
  };
  const options = { serviceConfig: JSON.stringify(serviceConfig), maxAttempts: retry.max_attempts };
  if (cache.size >= 256) cache.clear();
  cache.set(key, options);
  return options;
}
