import { Metadata } from '@grpc/grpc-js';
import { ValidationError, type Work } from '@ubom/core';
import { encodeMessage } from './codec';
import type { GrpcConfig } from './config';
import type { ResolvedMethod } from './descriptors';
import type { HealthStatus } from './health';

// What a work sends: its metadata and encoded request messages; and how a dry run describes a method.

const SCOPE = 'grpc';
const LOG_PREVIEW = 16 * 1024;

export interface DryRunReport {
  method: string;
  kind: 'unary' | 'server_streaming' | 'client_streaming' | 'bidi';
  descriptorSource: 'reflection' | 'proto_files' | 'descriptor_set';
  requestMessages: number;
  /** What grpc.health.v1 said about the service, or NO_HEALTH_SERVICE when the server has none. */
  health: HealthStatus | 'NO_HEALTH_SERVICE';
}

export const kindOf = (m: ResolvedMethod): DryRunReport['kind'] =>
  m.requestStream
    ? m.responseStream
      ? 'bidi'
      : 'client_streaming'
    : m.responseStream
      ? 'server_streaming'
      : 'unary';

export function buildMetadata(values: Record<string, string> | undefined): Metadata {
  const md = new Metadata();
  if (values) {
    for (const [key, value] of Object.entries(values)) {
      if (key.endsWith('-bin')) md.set(key, Buffer.from(value, 'base64'));
      else md.set(key, value);
    }
  }
  return md;
}

export function preview(message: Record<string, unknown>): string {
  const text = JSON.stringify(message);
  return text.length > LOG_PREVIEW ? `${text.slice(0, LOG_PREVIEW)}… (${text.length} characters)` : text;
}

/** The request (default: `work.inputs`) as encoded messages: one object, or an array for client streams. */
export function encodeRequests(method: ResolvedMethod, config: GrpcConfig, work: Work): Buffer[] {
  const explicit = config.request !== undefined;
  const request: unknown = explicit ? config.request : (work.inputs ?? {});
  const base = explicit ? 'executor_config.request' : 'inputs';
  if (method.requestStream) {
    const messages = Array.isArray(request) ? request : [request];
    return messages.map((m, i) =>
      encodeMessage(method.requestType, m, Array.isArray(request) ? `${base}[${i}]` : base),
    );
  }
  if (Array.isArray(request)) {
    throw ValidationError.single(
      base,
      `must be an object: ${method.path} takes one request message (an array is for client-streaming and bidi methods)`,
      { scope: SCOPE },
    );
  }
  return [encodeMessage(method.requestType, request, base)];
}
