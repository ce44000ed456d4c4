/** True when `status` matches one of `patterns`: a status (`404`) or a class (`"2xx"`). */
export function isSuccess(status: number, patterns: ReadonlyArray<number | string>): boolean {
  for (const pattern of patterns) {
    if (
      typeof pattern === 'number'
        ? pattern === status
        : pattern.charCodeAt(0) - 48 === Math.floor(status / 100)
    )
      return true;
  }
  return false;
}
