import type * as Lambda from '@aws-sdk/client-lambda';
import type { LogLevel, LogSource, RunOutcome } from '@ubom/core';
import { parseTailLogs } from './providers/aws-logs';

/** A work's outcome whose outputs and metrics a driver may still add to. */
export interface Outcome extends RunOutcome {
  outputs: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/** Parses a response body: JSON when it is JSON, else the text itself (`null` when empty). */
export function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The identity: where no secret is known. */
const unmasked = <T>(value: T): T => value;

/**
 * A short single-line excerpt of a response body for an error message. `mask` runs first: a secret's
 * form cut in two, or with its whitespace folded, would not be recognised by the result's masking.
 */
export function excerpt(value: unknown, max = 300, mask: <T>(value: T) => T = unmasked): string {
  const text = mask(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * A Lambda answer as the work's outcome. Outputs: `payload`, `status_code`, `executed_version`,
 * `function_error`. Metrics: `requestBytes`, `responseBytes`, `attempts` and the `REPORT` line's figures;
 * the log tail becomes log entries.
 */
export function lambdaOutcome(
  out: Lambda.InvokeCommandOutput,
  requestBytes: number,
  log: (level: LogLevel, message: string, source: LogSource) => void,
  mask: <T>(value: T) => T = unmasked,
): Outcome {
  const bytes = out.Payload
    ? Buffer.from(out.Payload.buffer, out.Payload.byteOffset, out.Payload.byteLength)
    : undefined;
  const payload = parseBody(bytes ? bytes.toString('utf8') : '');
  const metrics: Record<string, unknown> = {
    provider: 'aws',
    requestBytes,
    responseBytes: bytes?.length ?? 0,
    attempts: out.$metadata.attempts ?? 1,
  };
  if (out.LogResult)
    Object.assign(metrics, parseTailLogs(Buffer.from(out.LogResult, 'base64').toString('utf8'), log));
  const outputs: Record<string, unknown> = { payload, status_code: out.StatusCode };
  if (out.ExecutedVersion !== undefined) outputs.executed_version = out.ExecutedVersion;
  if (out.FunctionError === undefined) return { outputs, metrics };
  outputs.function_error = out.FunctionError;
  return { success: false, error: functionErrorMessage(out.FunctionError, payload, mask), outputs, metrics };
}

function functionErrorMessage(kind: string, payload: unknown, mask: <T>(value: T) => T): string {
  if (payload !== null && typeof payload === 'object') {
    const p = payload as { errorType?: unknown; errorMessage?: unknown };
    if (typeof p.errorMessage === 'string') {
      return `${typeof p.errorType === 'string' ? `${p.errorType}: ` : ''}${p.errorMessage}`;
    }
  }
  return `the function failed (${kind})${payload === null ? '' : `: ${excerpt(payload, 300, mask)}`}`;
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
 * An HTTP function's answer as the work's outcome: a 2xx is success, any other status fails with the
 * status and an excerpt of the body. Outputs: `payload`, `status_code`, `headers`, `url`.
 */
export function httpOutcome(answer: {
  url: string;
  response: Response;
  text: string;
  requestBytes: number;
  provider: 'gcp' | 'azure';
  mask?: <T>(value: T) => T;
}): Outcome {
  const { response, text } = answer;
  const payload = parseBody(text);
  const outputs = {
    payload,
    status_code: response.status,
    headers: headerRecord(response.headers),
    url: answer.url,
  };
  const metrics = {
    provider: answer.provider,
    requestBytes: answer.requestBytes,
    responseBytes: Buffer.byteLength(text),
  };
  if (response.status >= 200 && response.status < 300) return { outputs, metrics };
  const hint = response.status === 404 ? ' (no such function at this URL, or the function answered 404)' : '';
  const error = `the function answered HTTP ${response.status}${hint}${text ? `: ${excerpt(payload, 300, answer.mask)}` : ''}`;
  return { success: false, error, outputs, metrics };
}
