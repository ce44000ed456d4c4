export type { GroupOptions, SuiteContext } from './context';
export { describeExecutorConformance } from './describe';
export {
  collectLogs,
  expectIsoTimestamp,
  expectNoSecret,
  expectWellFormedLogs,
  expectWellFormedResult,
  isAbortError,
  secretForms,
  settle,
} from './helpers';
export type {
  ConformanceSkip,
  ConformanceWorks,
  ExecutorConformanceOptions,
  InvalidConfigCase,
} from './types';
