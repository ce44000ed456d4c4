import type { ExternalWorkPlugin } from '@ubom/core';
import { ProcessExecutor } from './executor';

export { commandLine, defaultShell, findExecutable } from './command';
export {
  type ProcessConfig,
  type ProcessConfigInput,
  processConfigJsonSchema,
  processConfigSchema,
} from './config';
export { childEnvironment, DEFAULT_INHERITED_ENV } from './environment';
export { PROCESS_WORK_TYPE, ProcessExecutor } from './executor';

/** The plugin entry point the loader calls. */
export function createPlugin(): ExternalWorkPlugin {
  return new ProcessExecutor();
}
