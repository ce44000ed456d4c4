import type { ValidationIssue } from '../errors';
import { joinPath } from './describe';

/** How deep a work may nest (objects and arrays), counted from the work itself. */
export const MAX_DEPTH = 64;
/** How large a work may be, counted as the characters of its keys and strings (about its JSON size). */
export const MAX_WORK_SIZE = 16 * 1024 * 1024;

const isAncestor = (frame: Frame, value: object): boolean => {
  for (let f = frame.parent; f; f = f.parent) if (f.value === value) return true;
  return false;
};

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string;
}

const pathOf = (base: string, frame: Frame): string => {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(f.key);
  return joinPath(base, keys.reverse());
};

/**
 * Depth and size problems of `value`, found without recursion (so a 10,000-level value is an issue
 * with a path, not a stack overflow). Stops at the first of each. A cycle is cut here and left to the
 * schema check, which reports where the value is wrong.
 */
export function boundsIssues(
  value: unknown,
  base: string,
  maxDepth = MAX_DEPTH,
  maxSize = MAX_WORK_SIZE,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let size = 0;
  let tooDeep = false;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    size += typeof v === 'string' ? v.length : 1;
    if (size > maxSize) {
      issues.push({
        path: base || '(root)',
        message: `is larger than ${maxSize / 1024 / 1024} MiB (keys and strings counted)`,
      });
      break;
    }
    if (v === null || typeof v !== 'object' || isAncestor(frame, v)) continue; // cycles: the schema check says so
    if (frame.depth >= maxDepth) {
      if (!tooDeep)
        issues.push({ path: pathOf(base, frame), message: `nests deeper than ${maxDepth} levels` });
      tooDeep = true;
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], depth: frame.depth + 1, parent: frame, key: String(i) });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        size += key.length;
        stack.push({
          value: (v as Record<string, unknown>)[key],
          depth: frame.depth + 1,
          parent: frame,
          key,
        });
      }
    }
  }
  return issues;
}
