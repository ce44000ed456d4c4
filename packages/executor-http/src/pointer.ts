/**
 * Resolves a JSON pointer (RFC 6901: `/a/0/b`, `~1` for `/`, `~0` for `~`) in a parsed JSON value.
 * `found: false` when a step does not exist. A dozen lines of a fully specified format: no dependency.
 */
export function resolvePointer(
  value: unknown,
  pointer: string,
): { found: true; value: unknown } | { found: false } {
  if (pointer === '') return { found: true, value };
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= current.length) return { found: false };
      current = current[Number(key)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return { found: false };
  }
  return { found: true, value: current };
}
