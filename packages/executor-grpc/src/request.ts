import { Metadata } from '@grpc/grpc-js';
import { MAX_DURATION_MS, ValidationError, type Work } from '@ubom/core';
import { encodeMessage } from './codec';
import { type ParsedGrpcConfig, SCOPE } from './config';
import type { ResolvedMethod } from './descriptors';

// What a work sends: its deadline, its metadata and its encoded request messages.

const LOG_PREVIEW = 16 * 1024;

/**
 * The epoch-ms deadline `ms` from now. Never beyond core's one maximum duration (596h), far below what
 * grpc-js accepts (it throws "Deadline is too far in the future", asynchronously, past ~11,400 years):
 * a deadline computed here can never crash the process.
 */
export function deadlineAfter(ms: number): number {
  return Date.now() + Math.min(Math.max(ms, 0), MAX_DURATION_MS);
}

/**
 * Request metadata. `-bin` values are given as base64 and sent as bytes; the canonical base64 of those
 * bytes (what a server echoing them sends back) is registered with `secret` so it is masked too.
 */
export function buildMetadata(
  values: Record<string, string> | undefined,
  secret?: (value: string) => void,
): Metadata {
  const md = new Metadata();
  if (values) {
    for (const key in values) {
      const value = values[key] as string;
      if (!key.endsWith('-bin')) {
        md.set(key, value);
        continue;
      }
      const bytes = Buffer.from(value, 'base64');
      secret?.(bytes.toString('base64'));
      md.set(key, bytes);
    }
  }
  return md;
}

export function preview(message: Record<string, unknown>): string {
  const text = JSON.stringify(message);
  return text.length > LOG_PREVIEW ? `${text.slice(0, LOG_PREVIEW)}… (${text.length} characters)` : text;
}

/** The request (default: `work.inputs`) as encoded messages: one object, or an array for client streams. */
export function encodeRequests(method: ResolvedMethod, config: ParsedGrpcConfig, work: Work): Buffer[] {
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
