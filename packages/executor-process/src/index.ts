import type { ProcessConfigInput } from './config';

export { commandLine, defaultShell, findExecutable } from './command';
export {
  type ProcessConfig,
  type ProcessConfigInput,
  processConfigSchema,
} from './config';
export { childEnvironment, DEFAULT_INHERITED_ENV } from './environment';
/** The plugin entry point the loader calls: `createPlugin()`. */
export {
  createPlugin,
  PROCESS_WORK_TYPE,
  type ProcessExecutor,
  processConfigJsonSchema,
} from './executor';
export {
  type GuardStatus,
  groupGuardStatus,
  type SweepReport,
  sweepOrphanGroups,
} from './ownership';

/** `process` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    process: ProcessConfigInput;
  }
}
