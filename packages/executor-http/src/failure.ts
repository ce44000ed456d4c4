import { UnavailableError } from '@ubom/core';
import { SCOPE } from './config';
import { isCertificateError } from './tls';

/**
 * The work ran and failed (a refused token request, too many redirects, a body over the limit): it
 * resolves `success: false` with this message and whatever outputs are known, rather than rejecting.
 */
export class WorkFailure extends Error {
  readonly outputs: Record<string, unknown> | undefined;

  constructor(message: string, outputs?: Record<string, unknown>) {
    super(message);
    this.name = 'WorkFailure';
    this.outputs = outputs;
  }
}

/** True when `error` is the request's abort (cancel, timeout, shutdown) rather than a network failure. */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === 'AbortError');
}

/** The socket-level reason of an undici error: `ECONNREFUSED 127.0.0.1:9`, `other side closed`. */
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    const text = e.message && !parts.some((p) => p.includes(e.message)) ? e.message : '';
    if (text) parts.push(text);
    else if (code) parts.push(code);
  }
  return parts.join(': ') || String(error);
}

/**
 * A request that got no answer: refused, reset, DNS, TLS. `UnavailableError`, retryable unless the
 * certificate check failed (the work's TLS settings must change).
 */
export function networkError(what: string, error: unknown): UnavailableError {
  const cert = isCertificateError(error);
  const hint = cert ? ' (give the CA with tls.ca_cert, or the expected name with tls.server_name)' : '';
  return new UnavailableError(`${what} failed: ${reasonOf(error)}${hint}`, {
    scope: SCOPE,
    cause: error,
    retryable: !cert,
  });
}
