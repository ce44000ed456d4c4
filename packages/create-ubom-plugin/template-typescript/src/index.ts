// The entry point UBOM's plugin loader imports (named in package.json `ubom.entry`): it calls `createPlugin()`.
export {
  configSchema,
  MAX_RUN_MS,
  type UbomTemplateConfig,
  type UbomTemplateConfigInput,
} from './config';
export { createPlugin, type UbomTemplateExecutor, WORK_TYPE } from './executor';
export { transformMessage } from './transform';
