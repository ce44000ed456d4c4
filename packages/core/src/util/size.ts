const UNIT_BYTES: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/** A size the way Docker spells it: `"512m"`, `"1g"`, `"256k"`, `"1024"` (bytes). Units are binary. */
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?([bkmgtBKMGT]|[kmgtKMGT][bB])?$';
const SIZE_RE = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/;

/** Parses a size into bytes; `undefined` when it is not one (never throws). */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE_RE.exec(value.trim());
  if (!match) return undefined;
  const factor = UNIT_BYTES[(match[2] as string).toLowerCase()];
  return factor === undefined ? undefined : Math.floor(Number(match[1]) * factor);
}
