import { parseDuration } from '@ubom/core';
import type { ParsedRetryConfig } from './config';

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
export function retryChannelOptions(retry: ParsedRetryConfig | undefined): RetryChannelOptions {
  if (!retry || retry.max_attempts < MIN_POLICY_ATTEMPTS) return NO_RETRY;
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
  return { serviceConfig: JSON.stringify(serviceConfig), maxAttempts: retry.max_attempts };
}
