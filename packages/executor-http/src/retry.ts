import { formatDuration, parseDuration } from '@ubom/core';
import type { Method, RetryConfig } from './config';

/** How one work retries (`undefined`: one attempt). */
export interface RetryPolicy {
  maxAttempts: number;
  retryOn: ReadonlySet<number>;
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

/** The work's policy; `undefined` when it does not retry (no `retry`, or its method is not listed). */
export function retryPolicy(retry: RetryConfig | undefined, method: Method): RetryPolicy | undefined {
  if (!retry || retry.max_attempts < 2 || !retry.methods.includes(method)) return undefined;
  return {
    maxAttempts: retry.max_attempts,
    retryOn: new Set(retry.retry_on),
    initialMs: parseDuration(retry.initial_delay) ?? 500,
    maxMs: parseDuration(retry.max_delay) ?? 30_000,
    multiplier: retry.backoff_multiplier,
  };
}

/**
 * The wait before retry number `retry` (1 = the first): exponential, capped at `max_delay`, with equal
 * jitter (between half and all of it) so that works failing together do not retry together.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const full = Math.min(policy.initialMs * policy.multiplier ** (retry - 1), policy.maxMs);
  return Math.round(full / 2 + (random() * full) / 2);
}

/** `Retry-After` in ms: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before the next attempt after `status`, or a reason not to retry: a Retry-After longer
 * than `max_delay` stops the retries (retrying sooner than the server asks would be refused again).
 */
export function nextWait(
  policy: RetryPolicy,
  retry: number,
  retryAfter: string | string[] | undefined,
): { waitMs: number } | { stop: string } {
  const asked = retryAfterMs(retryAfter);
  if (asked === undefined) return { waitMs: backoffMs(policy, retry) };
  if (asked > policy.maxMs)
    return {
      stop: `the server asks to retry after ${formatDuration(asked)}, longer than retry.max_delay (${formatDuration(policy.maxMs)}): not retrying`,
    };
  return { waitMs: asked };
}
