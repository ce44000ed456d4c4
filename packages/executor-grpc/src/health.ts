import { type Client, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { UnavailableError } from '@ubom/core';
import { Root } from 'protobufjs';
import { SCOPE } from './config';
import { codeName } from './mapping';
import { buildMetadata, deadlineAfter } from './request';
import type { GrpcState } from './state';

const healthRoot = Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: { fields: { status: { type: 'ServingStatus', id: 1 } } },
    ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
  },
});
const RequestType = healthRoot.lookupType('HealthCheckRequest');
const ResponseType = healthRoot.lookupType('HealthCheckResponse');

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export type HealthAnswer = { status: HealthStatus } | { code: number; details: string };

/** `grpc.health.v1.Health/Check` for `service` ("" = the whole server). */
export function checkHealth(
  client: Client,
  service: string,
  metadata: Metadata,
  deadline: number,
  signal?: AbortSignal,
): Promise<HealthAnswer> {
  return new Promise((resolve) => {
    const request = Buffer.from(RequestType.encode({ service }).finish());
    const call = client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      metadata,
      { deadline },
      (error: ServiceError | null, value?: Buffer) => {
        signal?.removeEventListener('abort', cancel);
        if (error || !value)
          return resolve({ code: error?.code ?? status.INTERNAL, details: error?.details ?? '' });
        const answer = ResponseType.toObject(ResponseType.decode(value), { enums: String, defaults: true });
        resolve({ status: answer.status as HealthStatus });
      },
    );
    const cancel = () => call.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

/** Healthy when every `health_targets` entry of the plugin config answers grpc.health.v1 with SERVING. */
export async function checkTargets(state: GrpcState): Promise<void> {
  for (const target of state.settings.health_targets) {
    const lease = await state.lease({ endpoint: target.endpoint, tls: target.tls, retry: undefined });
    try {
      const deadline = deadlineAfter(state.reflectionTimeoutMs);
      const answer = await checkHealth(
        lease.client,
        target.service,
        buildMetadata(target.metadata),
        deadline,
      );
      const said = 'status' in answer ? answer.status : `${codeName(answer.code)}: ${answer.details}`;
      if (said !== 'SERVING')
        throw new UnavailableError(
          `${target.endpoint} ${target.service || '(server)'} is not healthy: ${said}`,
          {
            scope: SCOPE,
          },
        );
    } finally {
      state.pool.release(lease);
    }
  }
}
