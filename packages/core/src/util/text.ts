/**
 * The last `count` non-blank lines of `text`, cut to `maxChars` from the end: what an executor quotes
 * of a failed work's stderr in `WorkResult.error`.
 */
export function lastLines(text: string, count = 5, maxChars = 2000): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const tail = lines.slice(-count).join('\n');
  return tail.length > maxChars ? `…${tail.slice(-maxChars)}` : tail;
}
