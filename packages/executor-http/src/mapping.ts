import type { RunOutcome } from '@ubom/core';
import type { ReadBody } from './body';
import type { HttpConfig } from './config';
import type { Answer } from './exchange';
import { resolvePointer } from './pointer';
import { isSuccess } from './status';

/** Longest body excerpt quoted in the error of a failed status. */
export const EXCERPT_CHARS = 512;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i;

/** True when a `content-type` says JSON: `application/json`, `application/problem+json`, … */
export const isJsonType = (type: string | undefined): boolean => type !== undefined && JSON_TYPE.test(type);

function decodeText(bytes: Buffer, type: string | undefined): string {
  const charset = type === undefined ? undefined : CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return bytes.toString('utf8');
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

type Decoded = { body: unknown; json: boolean; note?: string } | { error: string };

/**
 * What `JSON.parse` found wrong, without the text it quotes: V8 writes `Unexpected token 'h', "h7tp
 * t/9a+"... is not valid JSON`, the first characters of the body, which may be the start of a secret
 * (masking by value cannot recognise a piece of one).
 */
const parseProblem = (error: unknown): string =>
  String((error as Error).message).replace(/, "[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');

/** The body as `outputs.body`: parsed JSON, text or base64, as `response_format` says. */
export function decodeBody(
  bytes: Buffer,
  type: string | undefined,
  format: HttpConfig['response_format'],
): Decoded {
  if (format === 'base64') return { body: bytes.toString('base64'), json: false };
  const text = decodeText(bytes, type);
  if (format === 'text' || (format === 'auto' && !isJsonType(type))) return { body: text, json: false };
  try {
    return { body: JSON.parse(text), json: true };
  } catch (error) {
    const why = `the response body is not JSON (${parseProblem(error)})`;
    if (format === 'json') return { error: why };
    return text.trim() === ''
      ? { body: text, json: false }
      : { body: text, json: false, note: `${why}: kept as text` };
  }
}

/** A body's start on one line, for an error message. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.response.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The figures every outcome reports (camelCase). */
export function metricsOf(answer: Answer, requestBytes: number, responseBytes: number | undefined) {
  const metrics: Record<string, unknown> = {
    statusCode: answer.response.statusCode,
    attempts: answer.attempts,
    redirects: answer.redirects,
    requestBytes,
    ttfbMs: answer.ttfbMs,
  };
  if (responseBytes !== undefined) metrics.responseBytes = responseBytes;
  if (answer.retryDelayMs > 0) metrics.retryDelayMs = answer.retryDelayMs;
  if (answer.tokenFetched) metrics.tokenFetched = true;
  return metrics;
}

/** `status`, `headers` and the final `url`: the outputs every answered work has. */
export function baseOutputs(answer: Answer): Record<string, unknown> {
  return { status: answer.response.statusCode, headers: answer.response.headers, url: answer.href };
}

/**
 * The response as the work's outcome: snake_case outputs (`status`, `headers`, `url`, `body`, the
 * `extract`ed values), camelCase metrics. The kernel masks secrets in all of it.
 */
export function toOutcome(
  answer: Answer,
  read: ReadBody,
  config: HttpConfig,
  requestBytes: number,
  limit: number,
  note: (message: string) => void,
  mask: (text: string) => string = (text) => text,
): RunOutcome {
  const status = answer.response.statusCode;
  const ok = isSuccess(status, config.success_status);
  const outputs = baseOutputs(answer);
  const what = () =>
    `HTTP ${status}${answer.response.statusText ? ` ${answer.response.statusText}` : ''} from ${answer.method} ${answer.href}`;
  if ('tooBig' in read) {
    const size = read.declared === undefined ? 'more than' : `${read.declared} bytes, over`;
    const fix = ok ? ': set output_file to stream it to a file, or raise max_response_bytes' : '';
    const error = `${what()}: the response body is ${size} max_response_bytes (${limit} bytes)${fix}`;
    return { success: false, error, outputs, metrics: metricsOf(answer, requestBytes, read.declared) };
  }
  const metrics = metricsOf(answer, requestBytes, read.bytes.length);
  const decoded = decodeBody(read.bytes, header(answer, 'content-type'), config.response_format);
  if (!ok) {
    if ('body' in decoded) outputs.body = decoded.body;
    // masked before it is cut and its whitespace folded: a piece of a secret's form, or a form with
    // folded whitespace, is not recognised by the masking of the result
    const text =
      read.bytes.length > 0
        ? `: ${excerpt(mask(read.bytes.toString('utf8')).slice(0, EXCERPT_CHARS * 4))}`
        : '';
    return { success: false, error: `${what()}${text}`, outputs, metrics };
  }
  if ('error' in decoded) return { success: false, error: `${what()}: ${decoded.error}`, outputs, metrics };
  if (decoded.note) note(decoded.note);
  outputs.body = decoded.body;
  if (config.extract)
    for (const [name, pointer] of Object.entries(config.extract)) {
      const found = decoded.json ? resolvePointer(decoded.body, pointer) : { found: false as const };
      if (!found.found) {
        const where = decoded.json ? 'the response body' : 'the response body, which is not JSON';
        return {
          success: false,
          error: `extract.${name}: "${pointer}" matches nothing in ${where}`,
          outputs,
          metrics,
        };
      }
      outputs[name] = found.value;
    }
  return { outputs, metrics };
}
