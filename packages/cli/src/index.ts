export type { CommandContext, Io } from './context';
export { EXIT } from './errors';
export {
  BUILTIN_EXECUTORS,
  type Executors,
  findPlugins,
  type LoadedExecutor,
  type MissingExecutor,
  type OpenOptions,
  openExecutors,
} from './executors';
export { type MainOptions, main } from './main';
export { openProject, projectConfig } from './project';
export { describeRoots, discoveryRoots, type RootsOptions } from './roots';
