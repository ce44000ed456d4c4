import type { LogLevel, LogSource } from '@ubom/core';

type Log = (level: LogLevel, message: string, source: LogSource) => void;

const TEXT_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t([0-9a-fA-F-]{8,})\t([A-Z]+)\t(.*)$/;
/** The figures of the `REPORT` line, by their label. */
const REPORT_FIELDS: Record<string, string> = {
  Duration: 'functionDurationMs',
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMb',
  'Max Memory Used': 'maxMemoryUsedMb',
  'Init Duration': 'initDurationMs',
};
const REPORT_FIELD = /\s([A-Za-z ]+): ([\d.]+) (?:ms|MB)/g;

const LEVELS: Record<string, LogLevel> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'error',
};

function add(log: Log, levelName: string, message: string): void {
  const level = LEVELS[levelName.toUpperCase()] ?? 'info';
  log(level, message, level === 'error' || level === 'warn' ? 'stderr' : 'stdout');
}

/** A JSON-format Lambda log line (`{"timestamp","level","requestId","message"}`), else undefined. */
function jsonLine(line: string): { level: string; message: string } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (typeof value.level !== 'string' || value.message === undefined) return undefined;
    const message = typeof value.message === 'string' ? value.message : JSON.stringify(value.message);
    return { level: value.level, message };
  } catch {
    return undefined;
  }
}

/**
 * Turns the decoded `LogResult` tail (the last 4 KB of the invocation's log) into log entries:
 * `START`/`END` lines are dropped, `REPORT` figures become metrics, `timestamp\trequestId\tLEVEL\tmessage`
 * and JSON lines keep their level, any other line (a continuation, raw stdout) is `info`.
 */
export function parseTailLogs(text: string, log: Log): Record<string, number> {
  const metrics: Record<string, number> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let continuing = 'INFO';
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('START RequestId:') || line.startsWith('END RequestId:')) continue;
    if (line.startsWith('REPORT RequestId:')) {
      for (const [, label, value] of line.matchAll(REPORT_FIELD)) {
        const name = REPORT_FIELDS[(label as string).trim()];
        if (name) metrics[name] = Number(value);
      }
      continue;
    }
    const text = TEXT_LINE.exec(line);
    if (text) {
      continuing = text[3] as string;
      add(log, continuing, text[4] as string);
      continue;
    }
    const json = jsonLine(line);
    if (json) add(log, json.level, json.message);
    else add(log, continuing, line);
  }
  return metrics;
}
