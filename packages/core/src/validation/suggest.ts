/** Edit distance (Damerau–Levenshtein, optimal string alignment), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** No hint is ever further than this many edits, so longer or shorter candidates need no comparing. */
const MAX_HINT_DISTANCE = 3;

/** Longer inputs are no typo of a key: they are not compared edit by edit at all. */
const MAX_COMPARED = 256;

const bare = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

/**
 * The closest candidate to `input`, when it is close enough to be a likely typo (or differs only by
 * case and `-`/`_`). Candidates whose length differs by more than 3, and inputs over 256 characters, are not
 * compared edit by edit, so a huge unknown key costs no more than its length.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let sameWithoutSeparators: string | undefined;
  for (const candidate of candidates) {
    if (sameWithoutSeparators === undefined && bare(candidate) === bare(input)) {
      sameWithoutSeparators = candidate;
    }
    if (input.length > MAX_COMPARED || Math.abs(candidate.length - input.length) > MAX_HINT_DISTANCE)
      continue;
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) {
    const limit = Math.max(
      1,
      Math.min(MAX_HINT_DISTANCE, Math.floor(Math.max(input.length, best.length) / 3)),
    );
    if (bestDistance <= limit) return best;
  }
  return sameWithoutSeparators;
}
