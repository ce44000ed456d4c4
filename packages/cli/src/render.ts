import { formatDuration, type LogEntry, type Work, type WorkResult } from '@ubom/core';

export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
  hasColors?: () => boolean;
}

type Paint = (text: string) => string;
export interface Palette {
  dim: Paint;
  bold: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Paint = (text) => text;

/**
 * Colours only on a terminal that has them. `tty.WriteStream.hasColors()` already honours NO_COLOR,
 * NODE_DISABLE_COLORS and FORCE_COLOR; FORCE_COLOR is also honoured for pipes (CI logs).
 */
export function paletteFor(stream: OutStream, env: NodeJS.ProcessEnv): Palette {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const on =
    env.NO_COLOR === undefined || env.NO_COLOR === ''
      ? forced || (stream.isTTY === true && (stream.hasColors?.() ?? false))
      : false;
  if (!on) return { dim: plain, bold: plain, red: plain, green: plain, yellow: plain };
  return { dim: sgr(2, 22), bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
}

/**
 * One log entry as a line: stdout as is, stderr marked in yellow (red is for failure: a program's
 * stderr is often just its progress), executor lines dimmed and tagged with the type.
 */
export function formatLog(entry: LogEntry, type: string, p: Palette): string {
  switch (entry.source) {
    case 'stdout':
      return entry.message;
    case 'stderr':
      return `${p.yellow('[stderr]')} ${entry.message}`;
    default: {
      const text = `[${type}] ${entry.message}`;
      if (entry.level === 'error') return p.red(text);
      if (entry.level === 'warn') return p.yellow(text);
      return p.dim(text);
    }
  }
}

const CLEAR_LINE = '\r\x1b[2K';

export interface WorkTitle {
  type: string;
  /** e.g. `hello (process)` */
  title: string;
}

/** Longest value the CLI echoes back (an id, a type, a path) before cutting it with an ellipsis. */
export const MAX_ECHO = 120;

/** `text`, cut to `max` characters with an ellipsis when longer (a 10 MB id is not printed back). */
export function clip(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** How to name a work in messages; safe on anything JSON.parse returns (nothing is validated yet). */
export function titleOf(work: unknown): WorkTitle {
  const w = (work !== null && typeof work === 'object' ? work : {}) as Partial<Record<keyof Work, unknown>>;
  const type = typeof w.type === 'string' ? clip(w.type) : 'unknown';
  const name = clip(typeof w.name === 'string' ? w.name : typeof w.id === 'string' ? w.id : 'work');
  return { type, title: `${name} (${type})` };
}

/**
 * Live output on stderr. On a TTY, a single "running … 12s" line is kept at the bottom and redrawn
 * every second; it is cleared before each log line so logs stay readable, and erased at the end.
 * Nothing of it is written when stderr is not a terminal.
 */
export class LiveView {
  readonly #stream: OutStream;
  readonly #palette: Palette;
  readonly #type: string;
  readonly #label: string;
  readonly #showLogs: boolean;
  readonly #t0 = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #status = '';
  #cancelling = false;

  constructor(
    stream: OutStream,
    palette: Palette,
    work: WorkTitle,
    options: { logs: boolean; status: boolean },
  ) {
    this.#stream = stream;
    this.#palette = palette;
    this.#type = work.type;
    this.#label = work.title;
    this.#showLogs = options.logs;
    if (options.status && stream.isTTY === true) {
      this.#timer = setInterval(() => this.#draw(), 1000);
      this.#timer.unref();
    }
  }

  log(entry: LogEntry): void {
    if (!this.#showLogs) return;
    this.#write(`${formatLog(entry, this.#type, this.#palette)}\n`);
  }

  /** A CLI note (e.g. "cancelling…"), shown even with --quiet. */
  note(text: string): void {
    this.#write(`${this.#palette.yellow(text)}\n`);
  }

  /** After the first Ctrl-C: the status line says the work is being cancelled. */
  cancelling(): void {
    this.#cancelling = true;
    if (this.#timer) this.#draw();
  }

  /** Time since the view started, e.g. `4s`. */
  elapsed(): string {
    return formatDuration(Math.floor((Date.now() - this.#t0) / 1000) * 1000);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#status) this.#stream.write(CLEAR_LINE);
    this.#status = '';
  }

  #write(text: string): void {
    if (this.#status) this.#stream.write(CLEAR_LINE);
    this.#stream.write(text);
    if (this.#status) this.#stream.write(this.#status);
  }

  #draw(): void {
    const elapsed = this.elapsed();
    const width = Math.max(20, (this.#stream.columns || 80) - 1); // 0 on a pty nobody sized
    const line = (
      this.#cancelling
        ? `… ${this.#label} cancelling… ${elapsed} (Ctrl-C again to force)`
        : `… ${this.#label} running for ${elapsed} (Ctrl-C to cancel)`
    ).slice(0, width);
    this.#status = this.#palette.dim(line);
    this.#stream.write(`${CLEAR_LINE}${this.#status}`);
  }
}

const MAX_VALUE = 200;

function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}… (${text.length} characters)` : text;
}

function exitCodeOf(result: WorkResult): unknown {
  return result.outputs.exit_code ?? result.metrics.exitCode ?? result.metrics.exit_code;
}

/** Outputs that repeat what the live logs just showed: listed by size only when logs were shown. */
const LOG_TAILS = new Set(['stdout', 'stderr']);

function countLines(value: unknown): string {
  const text = String(value);
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return `${lines === 1 ? '1 line' : `${lines} lines`} (shown above)`;
}

/** The human summary printed to stdout after a run. */
export function formatSummary(
  result: WorkResult,
  work: Work,
  p: Palette,
  options: { logsShown: boolean },
): string {
  const head = result.success ? p.green(p.bold('SUCCESS')) : p.red(p.bold('FAILED'));
  const facts = [titleOf(work).title, `in ${formatDuration(result.metrics.durationMs)}`];
  const code = exitCodeOf(result);
  if (code !== undefined && code !== null) facts.push(`exit code ${String(code)}`);
  const lines = [`${head} ${facts.join(', ')}`];
  if (result.error !== undefined) lines.push(`${p.red('error:')} ${result.error}`);
  const outputs = Object.entries(result.outputs);
  if (outputs.length > 0) {
    lines.push('outputs:');
    for (const [key, value] of outputs) {
      const shown = options.logsShown && LOG_TAILS.has(key) && typeof value === 'string' && value !== '';
      lines.push(`  ${key}: ${shown ? p.dim(countLines(value)) : showValue(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Every validation problem, one per line, with its JSON path and, when `locate` is given, where it is
 * in the file (`work.json:5:7`, a form terminals and editors open).
 */
export function formatIssues(
  label: string,
  issues: readonly { path: string; message: string }[],
  p: Palette,
  locate?: (path: string) => { line: number; column: number },
): string {
  const head = `${p.red('[ubom]')} ${label}: invalid work, ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}`;
  const at = (path: string): string => {
    if (!locate) return '';
    const { line, column } = locate(path);
    return p.dim(` (${label}:${line}:${column})`);
  };
  const lines = issues.map(
    (i) => `  - ${p.bold(clip(i.path))}: ${clip(i.message, 4 * MAX_ECHO)}${at(i.path)}`,
  );
  return `${[head, ...lines].join('\n')}\n`;
}

/** Rows as aligned columns (two spaces apart), trailing spaces trimmed. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
