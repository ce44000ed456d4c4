export type { CommandContext, Io } from './context';
export { EXIT } from './errors';
export {
  BUILTIN_EXECUTORS,
  type Executors,
  findPlugins,
  type LoadedExecutor,
  type MissingExecutor,
  openExecutors,
  pluginSearchRoots,
} from './executors';
export { type MainOptions, main } from './main';
