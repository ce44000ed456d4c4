export type { CommandContext, Io } from './context';
export { EXIT } from './errors';
export { BUILTIN_EXECUTORS, type Executors, loadExecutors } from './executors';
export { type MainOptions, main } from './main';
