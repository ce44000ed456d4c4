import type { LogEntry, WorkResult } from '@ubom/core';
import { expect } from 'vitest';

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);
const SOURCES = new Set(['stdout', 'stderr', 'executor']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Asserts `value` is an ISO 8601 timestamp as `Date.prototype.toISOString` writes it. */
export function expectIsoTimestamp(value: unknown, what = 'timestamp'): void {
  expect(typeof value, `${what} is a string`).toBe('string');
  const date = new Date(value as string);
  expect(Number.isNaN(date.getTime()), `${what} parses as a date`).toBe(false);
  expect(date.toISOString(), `${what} is ISO 8601`).toBe(value);
}

/** Asserts every entry is well formed and `seq` (where present) strictly ascends. */
export function expectWellFormedLogs(logs: readonly unknown[]): asserts logs is LogEntry[] {
  let lastSeq = -1;
  logs.forEach((entry, i) => {
    expect(isRecord(entry), `logs[${i}] is an object`).toBe(true);
    const e = entry as Record<string, unknown>;
    expectIsoTimestamp(e.timestamp, `logs[${i}].timestamp`);
    expect(LEVELS.has(e.level as string), `logs[${i}].level is debug|info|warn|error`).toBe(true);
    expect(typeof e.message, `logs[${i}].message is a string`).toBe('string');
    if (e.source !== undefined) expect(SOURCES.has(e.source as string), `logs[${i}].source`).toBe(true);
    if (e.fields !== undefined) expect(isRecord(e.fields), `logs[${i}].fields is an object`).toBe(true);
    if (e.seq !== undefined) {
      expect(Number.isInteger(e.seq) && (e.seq as number) >= 0, `logs[${i}].seq is an integer ≥ 0`).toBe(
        true,
      );
      expect(e.seq as number, `logs[${i}].seq ascends`).toBeGreaterThan(lastSeq);
      lastSeq = e.seq as number;
    }
  });
}

/**
 * Asserts a `WorkResult` is well formed: boolean `success`, object `outputs`, well-formed `logs`,
 * ISO `startedAt ≤ finishedAt`, `durationMs ≥ 0`, integer `attempts ≥ 1`, an `error` string exactly
 * when it failed, and JSON-serialisable throughout.
 */
export function expectWellFormedResult(result: unknown): asserts result is WorkResult {
  expect(isRecord(result), 'result is an object').toBe(true);
  const r = result as Record<string, unknown>;
  expect(typeof r.success, 'success is a boolean').toBe('boolean');
  expect(isRecord(r.outputs), 'outputs is an object').toBe(true);
  expect(Array.isArray(r.logs), 'logs is an array').toBe(true);
  expectWellFormedLogs(r.logs as unknown[]);
  expect(isRecord(r.metrics), 'metrics is an object').toBe(true);
  const m = r.metrics as Record<string, unknown>;
  expectIsoTimestamp(m.startedAt, 'metrics.startedAt');
  expectIsoTimestamp(m.finishedAt, 'metrics.finishedAt');
  expect(Date.parse(m.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(m.startedAt as string));
  expect(typeof m.durationMs === 'number' && Number.isFinite(m.durationMs), 'durationMs is a number').toBe(
    true,
  );
  expect(m.durationMs as number).toBeGreaterThanOrEqual(0);
  expect(Number.isInteger(m.attempts) && (m.attempts as number) >= 1, 'attempts is an integer ≥ 1').toBe(
    true,
  );
  if (r.success) expect(r.error, 'a successful result has no error').toBeUndefined();
  else expect(typeof r.error === 'string' && r.error.length > 0, 'a failed result has an error').toBe(true);
  expect(() => JSON.stringify(result), 'result is JSON-serialisable').not.toThrow();
}

/** True for what the work itself printed (stdout, stderr), not the executor's own lines. */
export const isOutput = (entry: LogEntry): boolean => entry.source === 'stdout' || entry.source === 'stderr';

/** An `onLog` callback that records what it receives. */
export function collectLogs(): { onLog: (entry: LogEntry) => void; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { onLog: (entry) => entries.push(entry), entries };
}

/** The forms a secret may leak in: as is, base64, base64url and URL-encoded. */
export function secretForms(secret: string): string[] {
  const forms = [
    secret,
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
  ];
  return [...new Set(forms)];
}

/**
 * Every encoded form of `secret` that core's masker catches, by name: as is, base64 (std, unpadded,
 * URL-safe), hex (both cases), `encodeURIComponent`, the same with lowercase `%xx`, `encodeURI`,
 * form-encoded (`+` for a space) and JSON-escaped. For secrets tests that make a work print each form.
 * Self-contained (globals only), so `secretEncodings.toString()` can be shipped into a remote
 * `node -e` program.
 */
export function secretEncodings(secret: string): Record<SecretEncoding, string> {
  const bytes = Buffer.from(secret);
  const component = encodeURIComponent(secret);
  return {
    as_is: secret,
    base64: bytes.toString('base64'),
    base64_unpadded: bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
    uri_component: component,
    uri_component_lower: component.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    uri: encodeURI(secret),
    form: new URLSearchParams([['', secret]]).toString().slice(1),
    json: JSON.stringify(secret).slice(1, -1),
  };
}

export type SecretEncoding =
  | 'as_is'
  | 'base64'
  | 'base64_unpadded'
  | 'base64url'
  | 'hex'
  | 'HEX'
  | 'uri_component'
  | 'uri_component_lower'
  | 'uri'
  | 'form'
  | 'json';

/** The names of the forms of `secret` (`secretEncodings`) found in `text`: `[]` when none leaked. */
export function leakedEncodings(text: string, secret: string): SecretEncoding[] {
  return (Object.entries(secretEncodings(secret)) as [SecretEncoding, string][])
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
}

/** Asserts no form of `secret` appears in `text` (use `JSON.stringify` for objects). */
export function expectNoSecret(text: string, secret: string, where = 'text'): void {
  for (const form of secretForms(secret))
    expect(text.includes(form), `the secret (as "${form}") is in ${where}`).toBe(false);
}

/** True for core's `AbortError`, also across module copies (ESM/CJS): checked by its `code`. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ABORTED';
}

/** Settles a promise into `{ result } | { error }` so a test can assert on either. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
