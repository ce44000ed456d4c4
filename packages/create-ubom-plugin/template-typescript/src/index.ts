import type { ExternalWorkPlugin } from '@ubom/core';
import { UbomTemplateExecutor } from './executor';

export {
  configSchema,
  MAX_RUN_MS,
  type UbomTemplateConfig,
  type UbomTemplateConfigInput,
} from './config';
export { UbomTemplateExecutor, WORK_TYPE } from './executor';
export { transformMessage } from './transform';

/** The entry point UBOM's plugin loader calls (named in package.json `ubom.entry`). */
export function createPlugin(): ExternalWorkPlugin {
  return new UbomTemplateExecutor();
}
