import type { TraceCarrier } from '@ubom/core';
import { UnavailableError } from '@ubom/core';
import { SCOPE } from './config';
import { httpOutcome, type Outcome } from './mapping';
import { traceHeaders } from './telemetry';

export interface HttpInvoke {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  payload: unknown;
  signal: AbortSignal;
  provider: 'gcp' | 'azure';
  /** Sent as `traceparent` / `tracestate` headers. */
  trace: TraceCarrier;
  /** Masks the secrets known so far (the body a failure quotes, before it is cut). */
  mask: <T>(value: T) => T;
}

/**
 * Calls an HTTP-triggered function with Node's fetch. A 2xx is success; any other status resolves
 * `success: false` (see `httpOutcome`). A network failure rejects `UnavailableError`; 401/403 reject as
 * refused credentials (not retryable), 429 as throttled (retryable).
 */
export async function invokeHttp(call: HttpInvoke): Promise<Outcome> {
  const body =
    call.method === 'GET' ? undefined : JSON.stringify(call.payload === undefined ? {} : call.payload);
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: {
        accept: 'application/json, */*;q=0.5',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...traceHeaders(call.trace),
        ...call.headers,
      },
      ...(body === undefined ? {} : { body }),
      signal: call.signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (call.signal.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new UnavailableError(
      `cannot reach ${new URL(call.url).origin}: ${cause?.message ?? (error as Error).message}`,
      { scope: SCOPE, cause: error },
    );
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403 || response.status === 429) {
    const refused = response.status !== 429;
    throw new UnavailableError(
      refused
        ? `the function refused the credentials (HTTP ${response.status}) — check executor_config.credentials`
        : 'the function is throttled (HTTP 429)',
      { scope: SCOPE, retryable: !refused },
    );
  }
  const requestBytes = body ? Buffer.byteLength(body) : 0;
  return httpOutcome({
    url: call.url,
    response,
    text,
    requestBytes,
    provider: call.provider,
    mask: call.mask,
  });
}
