import { type Metadata, status as Status } from '@grpc/grpc-js';
import {
  type ExecutionMetrics,
  type LogCollector,
  type MetricsClock,
  type WorkResult,
  workResult,
} from '@ubom/core';
import type { CallStatus } from './call';
import type { ResolvedMethod } from './descriptors';

const ATTEMPTS_KEY = 'grpc-previous-rpc-attempts';

/** The last two ISO timestamps made: under load many works start and end within the same millisecond. */
const isoCache: [number, string, number, string] = [-1, '', -1, ''];

/** `Date#toISOString` of a time in ms (fractions dropped, as `Date` does), from a 2-entry cache. */
export function isoAt(ms: number): string {
  const t = Math.floor(ms);
  if (isoCache[0] === t) return isoCache[1];
  if (isoCache[2] === t) return isoCache[3];
  const text = new Date(t).toISOString();
  isoCache[2] = isoCache[0];
  isoCache[3] = isoCache[1];
  isoCache[0] = t;
  isoCache[1] = text;
  return text;
}

/** `14` → `"UNAVAILABLE"`. */
export function codeName(code: number): string {
  return Status[code] ?? `CODE_${code}`;
}

const text = (v: string | Buffer): string => (typeof v === 'string' ? v : v.toString('base64'));

/** Metadata as JSON: one value → a string, several → an array; `-bin` values as base64. */
export function metadataJson(md: Metadata | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!md) return out;
  const all = md.toJSON();
  for (const key in all) {
    const values = all[key];
    if (key === ATTEMPTS_KEY || !values) continue;
    out[key] = values.length === 1 ? text(values[0] as string | Buffer) : values.map(text);
  }
  return out;
}

/** grpc-js reports retries it made in `grpc-previous-rpc-attempts`, on headers or trailers. */
function attemptsOf(call: CallStatus): number {
  const previous = call.headers?.get(ATTEMPTS_KEY)[0] ?? call.trailers?.get(ATTEMPTS_KEY)[0];
  const n = Number(previous ?? 0);
  return Number.isInteger(n) && n > 0 ? n + 1 : 1;
}

export interface Mapped {
  method: Pick<ResolvedMethod, 'path' | 'responseStream'>;
  endpoint: string;
  call: CallStatus;
  responses: Record<string, unknown>[];
  sent: number;
  logs: LogCollector;
  clock: MetricsClock;
}

/** The call's outcome as a `WorkResult`: OK → success; any other final status → success:false with its name. */
export function toWorkResult(m: Mapped): WorkResult {
  const { method, call, responses } = m;
  let code = call.code;
  let details = call.details;
  const streaming = method.responseStream;
  if (code === Status.OK && !streaming && responses.length === 0) {
    code = Status.INTERNAL;
    details = 'the server sent no response message';
  }
  const name = codeName(code);
  const outputs: Record<string, unknown> = {};
  if (streaming) outputs.responses = responses;
  else if (responses[0] !== undefined) outputs.response = responses[0];
  outputs.code = name;
  outputs.details = details;
  outputs.headers = metadataJson(call.headers);
  outputs.trailers = metadataJson(call.trailers);
  const ok = code === Status.OK;
  if (!ok) m.logs.add('error', 'executor', `${method.path} failed: ${name}${details ? `: ${details}` : ''}`);
  // what MetricsClock.finish(extra) returns, built in one literal: its `...extra` spread costs ~1 µs a call
  const durationMs = Math.round(m.clock.elapsedMs() * 1000) / 1000;
  const startedAt = m.clock.startedAt;
  const startedMs = startedAt.getTime();
  const metrics: ExecutionMetrics = {
    startedAt: isoAt(startedMs),
    finishedAt: isoAt(startedMs + durationMs),
    durationMs,
    attempts: attemptsOf(call),
    method: method.path,
    endpoint: m.endpoint,
    messagesSent: m.sent,
    messagesReceived: responses.length,
  };
  return workResult({
    success: ok,
    outputs,
    logs: m.logs.entries(),
    metrics,
    error: ok ? undefined : `${name}${details ? `: ${details}` : ''}`,
  });
}
