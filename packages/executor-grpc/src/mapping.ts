import { type Metadata, status as Status } from '@grpc/grpc-js';
import type { RunOutcome } from '@ubom/core';
import type { CallStatus, Exchange } from './call';
import type { ParsedGrpcConfig } from './config';
import type { ResolvedMethod } from './descriptors';

// A call's outcome → the work's outputs (snake_case) and metrics (camelCase).

const ATTEMPTS_KEY = 'grpc-previous-rpc-attempts';

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
  exchange: Exchange;
  /** Request messages sent. */
  sent: number;
  /** The call was cancelled because the work's timeout (own or `work.timeout`) passed. */
  timedOut: boolean;
}

/**
 * OK → success; any other final status → success:false, `error: "<CODE>: <details>"`. A call the
 * work's timeout cancelled reports DEADLINE_EXCEEDED (the kernel words the error: "timed out after …").
 */
export function toOutcome(m: Mapped): RunOutcome {
  const { method, exchange } = m;
  const { status, responses } = exchange;
  let code = status.code;
  let details = status.details;
  const streaming = method.responseStream;
  if (m.timedOut) {
    code = Status.DEADLINE_EXCEEDED;
    details = "the work's timeout passed";
  } else if (code === Status.OK && !streaming && responses.length === 0) {
    code = Status.INTERNAL;
    details = 'the server sent no response message';
  }
  const name = codeName(code);
  const outputs: Record<string, unknown> = {};
  if (streaming) outputs.responses = responses;
  else if (responses[0] !== undefined) outputs.response = responses[0];
  outputs.code = name;
  outputs.details = details;
  outputs.headers = metadataJson(status.headers);
  outputs.trailers = metadataJson(status.trailers);
  const metrics = {
    attempts: attemptsOf(status),
    method: method.path,
    endpoint: m.endpoint,
    messagesSent: m.sent,
    messagesReceived: responses.length,
  };
  if (code === Status.OK) return { outputs, metrics };
  return { success: false, error: details ? `${name}: ${details}` : name, outputs, metrics };
}

/**
 * The outcome of a work that made no call: reflection refused (UNAUTHENTICATED, PERMISSION_DENIED, with
 * the server's status), or the work's timeout passed while its method was being resolved (`undefined`).
 */
export function noCallOutcome(
  config: ParsedGrpcConfig,
  refused: { code: number; details: string } | undefined,
): RunOutcome {
  const { code, details } = refused ?? { code: Status.DEADLINE_EXCEEDED, details: '' };
  return toOutcome({
    method: { path: `/${config.method}`, responseStream: false },
    endpoint: config.endpoint,
    exchange: {
      status: { code, details, headers: undefined, trailers: undefined, aborted: false },
      responses: [],
    },
    sent: 0,
    timedOut: refused === undefined,
  });
}

const metadataSchema = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
};

/** `WorkResult.outputs` of a grpc work. */
export const OUTPUTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    response: { type: 'object', description: 'The response message (unary and client-streaming methods).' },
    responses: {
      type: 'array',
      items: { type: 'object' },
      description: 'Every response message (server-streaming and bidi).',
    },
    code: { type: 'string', description: 'Final status code name: OK, UNAVAILABLE, DEADLINE_EXCEEDED…' },
    details: { type: 'string', description: 'Status message sent by the server.' },
    headers: { ...metadataSchema, description: 'Response headers (initial metadata).' },
    trailers: { ...metadataSchema, description: 'Response trailers.' },
  },
  required: ['code', 'details', 'headers', 'trailers'],
} satisfies Record<string, unknown>;
