import { type Metadata, status as Status } from '@grpc/grpc-js';
import {
  type BackendSpan,
  defineCounter,
  type RunOutcome,
  type TelemetryAttributes,
  type TraceCarrier,
} from '@ubom/core';

/** Retries grpc-js made for a work's call (attempts beyond the first, from `grpc-previous-rpc-attempts`). */
export const grpcRetries = defineCounter({
  scope: '@ubom/executor-grpc',
  name: 'ubom.grpc.retries',
  unit: '{retry}',
  description: "Retries of works' gRPC calls (attempts beyond the first), by rpc.service and rpc.method",
});

/**
 * `server.address` / `server.port` of a grpc-js target: `host:port`, `[v6]:port`, `dns:///host:port`,
 * `ipv4:a:port,b:port` (the first), `unix:///path` (the path).
 */
export function serverAttributes(endpoint: string): TelemetryAttributes {
  if (endpoint.startsWith('unix:'))
    return { 'server.address': endpoint.replace(/^unix:(\/\/)?/, ''), 'network.transport': 'unix' };
  const target = endpoint.replace(/^(dns|ipv4|ipv6):(\/\/[^/]*\/)?/, '').split(',')[0] ?? '';
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(target) ?? /^([^:]+)(?::(\d+))?$/.exec(target);
  if (!m) return { 'server.address': target };
  return { 'server.address': m[1], 'server.port': m[2] === undefined ? undefined : Number(m[2]) };
}

/** The RPC semantic-convention attributes of a call to `method` (`package.Service/Method`) at `endpoint`. */
export function callAttributes(method: string, endpoint: string): TelemetryAttributes {
  const slash = method.lastIndexOf('/');
  return {
    'rpc.system': 'grpc',
    'rpc.service': method.slice(0, slash),
    'rpc.method': method.slice(slash + 1),
    ...serverAttributes(endpoint),
  };
}

/** `traceparent` / `tracestate` metadata on the call, unless the work sends a `traceparent` of its own. */
export function withTraceContext(metadata: Metadata, carrier: TraceCarrier): void {
  if (!carrier.traceparent || metadata.get('traceparent').length > 0) return;
  metadata.set('traceparent', carrier.traceparent);
  if (carrier.tracestate) metadata.set('tracestate', carrier.tracestate);
}

/** The call's final status on its span (ERROR unless OK), and its retries. */
export function recordCall(span: BackendSpan, outcome: RunOutcome, attributes: TelemetryAttributes): void {
  const name = outcome.outputs?.code;
  const code = typeof name === 'string' ? Status[name as keyof typeof Status] : undefined;
  span.setAttributes({ 'rpc.grpc.status_code': typeof code === 'number' ? code : undefined });
  if (outcome.success === false) span.fail(outcome.error ?? 'the call failed');
  const attempts = outcome.metrics?.attempts;
  if (typeof attempts === 'number' && attempts > 1)
    grpcRetries.add(attempts - 1, {
      'rpc.service': attributes['rpc.service'],
      'rpc.method': attributes['rpc.method'],
    });
}
