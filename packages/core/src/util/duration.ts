const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go-style duration: `"300ms"`, `"30s"`, `"1m30s"`, `"1.5h"`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Parses a Go-style duration string, or a number of milliseconds, into milliseconds.
 * Returns `undefined` for anything else (never throws).
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const known = parsed.get(value);
  if (known !== undefined) return known;
  if (!DURATION_RE.test(value)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(PART_RE))
    ms += Number(amount) * (UNIT_MS[unit as string] as number);
  ms = toNanosecond(ms);
  if (parsed.size >= 512) parsed.clear();
  parsed.set(value, ms);
  return ms;
}

/** `"1.001s"` is 1001 ms, not 1000.9999999999999: round to whole nanoseconds (as Go counts them). */
const toNanosecond = (ms: number): number => (ms < 9e9 ? Math.round(ms * 1e6) / 1e6 : ms);

/** Works repeat the same few timeouts; parsing one is the most expensive step left on the hot path. */
const parsed = new Map<string, number>();

/**
 * The longest duration any timeout may have: 596h (just under 2^31 ms, the longest timer Node keeps;
 * a longer one fires at once). One rule for `work.timeout` and every executor's own timeout.
 */
export const MAX_DURATION_MS = 596 * 3_600_000;

/** Why `value` is not a usable timeout, or `undefined` when it is one. */
export function durationProblem(value: unknown): string | undefined {
  const ms = parseDuration(value);
  if (ms === undefined)
    return typeof value === 'number'
      ? 'must be a number of milliseconds ≥ 0'
      : 'must be a duration like 500ms, 30s or 1m30s, or a number of milliseconds';
  if (ms > MAX_DURATION_MS) return `must be at most ${formatDuration(MAX_DURATION_MS)}`;
  return undefined;
}

/** Formats milliseconds the way a user wrote them: `30s`, `1m30s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round((totalSeconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
