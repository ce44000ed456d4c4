import type { ExternalWorkPlugin } from '@ubom/core';
import { GrpcExecutor } from './executor';

export {
  type GrpcConfig,
  type GrpcRetryConfig,
  type GrpcTlsConfig,
  grpcConfigJsonSchema,
  grpcConfigSchema,
  STATUS_CODE_NAMES,
  type StatusCodeName,
} from './config';
export { GRPC_WORK_TYPE, GrpcExecutor } from './executor';
export { type GrpcPluginConfig, grpcPluginConfigSchema } from './plugin-config';
export type { DryRunReport } from './request';

/** The plugin entry point the loader calls. */
export function createPlugin(): ExternalWorkPlugin {
  return new GrpcExecutor();
}
