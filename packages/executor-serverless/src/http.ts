import { UnavailableError } from '@ubom/core';
import { excerpt, type InvokeOutcome, parseBody } from './result';

export interface HttpInvoke {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  payload: unknown;
  signal: AbortSignal;
  provider: 'gcp' | 'azure';
}

/** Response headers worth returning (not cookies: they may carry credentials). */
function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  return out;
}

/**
 * Calls an HTTP-triggered function with Node's fetch. A 2xx is success; any other status resolves
 * `ok: false` with the status and an excerpt of the body. A network failure rejects `UnavailableError`.
 */
export async function invokeHttp(call: HttpInvoke): Promise<InvokeOutcome> {
  const body =
    call.method === 'GET' ? undefined : JSON.stringify(call.payload === undefined ? {} : call.payload);
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: {
        accept: 'application/json, */*;q=0.5',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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
      {
        scope: 'serverless',
        cause: error,
      },
    );
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403 || response.status === 429) {
    const refused = response.status !== 429;
    throw new UnavailableError(
      refused
        ? `the function refused the credentials (HTTP ${response.status}) — check executor_config.credentials`
        : 'the function is throttled (HTTP 429)',
      { scope: 'serverless', retryable: !refused },
    );
  }
  const payload = parseBody(text);
  const ok = response.status >= 200 && response.status < 300;
  const outcome: InvokeOutcome = {
    ok,
    outputs: { payload, status_code: response.status, headers: headerRecord(response.headers) },
    metrics: {
      provider: call.provider,
      requestBytes: body ? Buffer.byteLength(body) : 0,
      responseBytes: Buffer.byteLength(text),
    },
    attempts: 1,
  };
  if (!ok) {
    const hint =
      response.status === 404 ? ' (no such function at this URL, or the function answered 404)' : '';
    outcome.error = `the function answered HTTP ${response.status}${hint}${text ? `: ${excerpt(payload)}` : ''}`;
  }
  return outcome;
}
