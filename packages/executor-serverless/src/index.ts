import type { ExternalWorkPlugin } from '@ubom/core';
import { ServerlessExecutor } from './executor';

export {
  type AwsConfig,
  type AzureConfig,
  type GcpConfig,
  type Provider,
  type ServerlessConfig,
  serverlessConfigJsonSchema,
  serverlessConfigSchema,
} from './config';
export { DEFAULT_TIMEOUT_MS, ServerlessExecutor } from './executor';
export { loadOptional } from './lazy';

/** The plugin entry point `DefaultPluginLoader` and discovery call. */
export function createPlugin(): ExternalWorkPlugin {
  return new ServerlessExecutor();
}
