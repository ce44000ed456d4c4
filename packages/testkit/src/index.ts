export type { GroupOptions, SuiteContext } from './context';
export { describeExecutorConformance } from './describe';
export {
  collectLogs,
  expectIsoTimestamp,
  expectNoSecret,
  expectWellFormedLogs,
  expectWellFormedResult,
  isAbortError,
  leakedEncodings,
  type SecretEncoding,
  secretEncodings,
  secretForms,
  settle,
} from './helpers';
export type { IssuedCert, IssueOptions, TestPki, TestPkiOptions } from './tls';
export { createTestPki } from './tls';
export type {
  ConformanceSkip,
  ConformanceWorks,
  ExecutorConformanceOptions,
  InvalidConfigCase,
} from './types';
