import type { LogEntry } from '@ubom/core';
import { isOutput } from '../helpers';

/** Resolves when the long work prints its first line, or after `ms`, whichever comes first. */
export function startedOrAfter(ms: number): { onLog: (entry: LogEntry) => void; started: Promise<void> } {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
    setTimeout(resolve, ms).unref?.();
  });
  const onLog = (entry: LogEntry) => {
    if (isOutput(entry)) markStarted();
  };
  return { onLog, started };
}
