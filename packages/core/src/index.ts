export * from './errors';
export { LineSplitter, type LineSplitterOptions } from './logs/line-splitter';
export { LogCollector, type LogCollectorOptions } from './logs/log-collector';
export { TailBuffer } from './logs/tail-buffer';
export { MetricsClock, type ResultParts, workResult } from './result';
export * from './types';
export { abortErrorFrom, sleep, throwIfAborted } from './util/abort';
export { DURATION_PATTERN, formatDuration, parseDuration } from './util/duration';
export { parseSize, SIZE_PATTERN } from './util/size';
