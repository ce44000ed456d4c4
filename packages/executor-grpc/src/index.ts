import type { GrpcConfig } from './config';
import { createPlugin } from './executor';

export {
  type GrpcConfig,
  type GrpcRetryConfig,
  type GrpcTlsConfig,
  grpcConfigSchema,
  type ParsedGrpcConfig,
  STATUS_CODE_NAMES,
  type StatusCodeName,
} from './config';
export type { DryRunReport } from './dry-run';
export { createPlugin, GRPC_WORK_TYPE, type GrpcExecutor } from './executor';
export { type GrpcPluginConfig, grpcPluginConfigSchema } from './plugin-config';
export type { GrpcState } from './state';

/** The JSON Schema (2020-12) of `executor_config` as published (`getSchema().config`, `timeout` included). */
export const grpcConfigJsonSchema = createPlugin().getSchema().config as Record<string, unknown>;

/** `grpc` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    grpc: GrpcConfig;
  }
}
