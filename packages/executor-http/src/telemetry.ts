import type { BackendSpan, RunOutcome, TelemetryAttributes, TraceCarrier } from '@ubom/core';

/** Query parameters whose values the HTTP semantic conventions redact in `url.full` (signed URLs). */
const SENSITIVE_QUERY = new Set(['awsaccesskeyid', 'signature', 'sig', 'x-goog-signature']);
const REDACTED = 'REDACTED';

/**
 * `url.full` as the conventions want it: user and password replaced by `REDACTED`, and so are the
 * values of signature-like query parameters. (The work's secrets are masked on top, by value.)
 */
export function fullUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.username) shown.username = REDACTED;
  if (shown.password) shown.password = REDACTED;
  for (const name of [...shown.searchParams.keys()])
    if (SENSITIVE_QUERY.has(name.toLowerCase())) shown.searchParams.set(name, REDACTED);
  return shown.href;
}

/** The HTTP client attributes known before the request is sent. */
export function requestAttributes(method: string, url: URL): TelemetryAttributes {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    'http.request.method': method,
    'url.full': fullUrl(url),
    'server.address': url.hostname.replace(/^\[|\]$/g, ''),
    'server.port': port,
  };
}

/** `traceparent` / `tracestate` request headers, unless the work sends a `traceparent` of its own. */
export function withTraceHeaders(headers: Record<string, string>, carrier: TraceCarrier): void {
  if (!carrier.traceparent || headers.traceparent !== undefined) return;
  headers.traceparent = carrier.traceparent;
  if (carrier.tracestate) headers.tracestate = carrier.tracestate;
}

/** The response on the span: status code, resends, ERROR for a failed work (a status outside `success_status`). */
export function recordResponse(span: BackendSpan, outcome: RunOutcome): void {
  const status = outcome.metrics?.statusCode ?? outcome.outputs?.status;
  const attempts = outcome.metrics?.attempts;
  span.setAttributes({
    'http.response.status_code': typeof status === 'number' ? status : undefined,
    'http.request.resend_count': typeof attempts === 'number' && attempts > 1 ? attempts - 1 : undefined,
  });
  if (outcome.success === false) span.fail(outcome.error ?? 'the request failed');
}
