import type { ExternalWorkPlugin } from '@ubom/core';
import { __PASCAL__Executor } from './executor';

export {
  type __PASCAL__Config,
  type __PASCAL__ConfigInput,
  configSchema,
  MAX_RUN_MS,
} from './config';
export { __PASCAL__Executor, WORK_TYPE } from './executor';
export { transformMessage } from './transform';

/** The entry point UBOM's plugin loader calls (named in package.json `ubom.entry`). */
export function createPlugin(): ExternalWorkPlugin {
  return new __PASCAL__Executor();
}
