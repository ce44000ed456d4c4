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
