import type { LogEntry, LogLevel, LogSource } from '../types';

export interface LogCollectorOptions {
  /** Called live, in order, for every entry. A throwing callback is ignored: it cannot break the work. */
  onLog?: ((entry: LogEntry) => void) | undefined;
  /** How many entries the result keeps (the last ones). Default 1000. */
  maxEntries?: number;
}

/**
 * Numbers log entries, streams them through `onLog` and keeps a bounded tail for `WorkResult.logs`,
 * so memory stays flat whatever a work prints.
 */
export class LogCollector {
  readonly #onLog: ((entry: LogEntry) => void) | undefined;
  readonly #max: number;
  #ring: LogEntry[] = [];
  #start = 0;
  #seq = 0;

  constructor(options: LogCollectorOptions = {}) {
    this.#onLog = options.onLog;
    this.#max = Math.max(1, options.maxEntries ?? 1000);
  }

  /** Number of entries seen so far, including the ones dropped from the tail. */
  get count(): number {
    return this.#seq;
  }

  add(level: LogLevel, source: LogSource, message: string, fields?: Record<string, unknown>): LogEntry {
    const entry: LogEntry = { timestamp: new Date().toISOString(), level, message, source, seq: this.#seq++ };
    if (fields) entry.fields = fields;
    if (this.#ring.length < this.#max) this.#ring.push(entry);
    else {
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#max;
    }
    if (this.#onLog) {
      try {
        this.#onLog(entry);
      } catch {
        // a consumer's bug must not fail the work
      }
    }
    return entry;
  }

  info(message: string, fields?: Record<string, unknown>): LogEntry {
    return this.add('info', 'executor', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): LogEntry {
    return this.add('warn', 'executor', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): LogEntry {
    return this.add('error', 'executor', message, fields);
  }

  /** The kept tail, oldest first. */
  entries(): LogEntry[] {
    return this.#start === 0
      ? this.#ring.slice()
      : [...this.#ring.slice(this.#start), ...this.#ring.slice(0, this.#start)];
  }
}
