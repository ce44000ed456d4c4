import type { ConfigInputOf } from '@ubom/core';
import type { serverlessConfigSchema } from './config';

export {
  type AwsConfig,
  type AzureConfig,
  type GcpConfig,
  type Provider,
  type ServerlessConfig,
  serverlessConfigSchema,
} from './config';
export {
  createPlugin,
  SERVERLESS_WORK_TYPE,
  type ServerlessExecutor,
  serverlessConfigJsonSchema,
} from './executor';
export { loadOptional } from './lazy';

/** `serverless` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    serverless: ConfigInputOf<typeof serverlessConfigSchema>;
  }
}
