import { status as Status } from '@grpc/grpc-js';
import { type DryRunArgs, throwIfAborted, UnavailableError } from '@ubom/core';
import { type ParsedGrpcConfig, SCOPE } from './config';
import type { ResolvedMethod } from './descriptors';
import { checkHealth, type HealthStatus } from './health';
import { codeName } from './mapping';
import { buildMetadata, deadlineAfter, encodeRequests } from './request';
import { ReflectionRefused } from './sources';
import type { GrpcState } from './state';

/** What `plugin.dryRun(work)` resolves with. */
export interface DryRunReport {
  method: string;
  kind: 'unary' | 'server_streaming' | 'client_streaming' | 'bidi';
  descriptorSource: 'reflection' | 'proto_files' | 'descriptor_set';
  requestMessages: number;
  /** What grpc.health.v1 said about the service, or NO_HEALTH_SERVICE when the server has none. */
  health: HealthStatus | 'NO_HEALTH_SERVICE';
}

const kindOf = (m: ResolvedMethod): DryRunReport['kind'] =>
  m.requestStream
    ? m.responseStream
      ? 'bidi'
      : 'client_streaming'
    : m.responseStream
      ? 'server_streaming'
      : 'unary';

/**
 * Checks a work against its backend without calling it: the method resolves (reflection or protos),
 * the request encodes, and grpc.health.v1 reports the service SERVING (or the server is reachable
 * when it has no health service). Throws `ValidationError` / `UnavailableError`.
 */
export async function dryRun(args: DryRunArgs<ParsedGrpcConfig, GrpcState>): Promise<DryRunReport> {
  const { config, work, state, signal } = args;
  const lease = await state.lease(config);
  try {
    const metadata = buildMetadata(config.metadata);
    const deadline = deadlineAfter(args.timeoutMs ?? state.reflectionTimeoutMs);
    const method = await state.method(config, lease, metadata, deadline, signal).catch((error) => {
      if (error instanceof ReflectionRefused)
        throw new UnavailableError(`${codeName(error.code)}: ${error.details}`, {
          scope: SCOPE,
          cause: error,
        });
      throw error;
    });
    const requests = encodeRequests(method, config, work);
    const service = config.method.slice(0, config.method.lastIndexOf('/'));
    const answer = await checkHealth(lease.client, service, metadata, deadline, signal);
    throwIfAborted(signal, SCOPE);
    let health: DryRunReport['health'];
    if ('status' in answer) health = answer.status;
    else if (answer.code === Status.UNIMPLEMENTED) health = 'NO_HEALTH_SERVICE';
    else if (answer.code === Status.NOT_FOUND) health = 'SERVICE_UNKNOWN';
    else
      throw new UnavailableError(
        `health check of ${service} failed: ${codeName(answer.code)}: ${answer.details}`,
        { scope: SCOPE },
      );
    if (health === 'NOT_SERVING') throw new UnavailableError(`${service} is NOT_SERVING`, { scope: SCOPE });
    return {
      method: method.path,
      kind: kindOf(method),
      descriptorSource: config.proto_files
        ? 'proto_files'
        : config.descriptor_set
          ? 'descriptor_set'
          : 'reflection',
      requestMessages: requests.length,
      health,
    };
  } finally {
    state.pool.release(lease);
  }
}
