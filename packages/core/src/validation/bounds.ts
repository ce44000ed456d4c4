import type { ValidationIssue } from '../errors';
import { joinPath } from './describe';

/** How deep a work may nest (objects and arrays), counted from the work itself. */
export const MAX_DEPTH = 64;
/** How large a work may be, counted as the characters of its keys and strings (about its JSON size). */
export const MAX_WORK_SIZE = 16 * 1024 * 1024;

/**
 * Depth and size problems of `value`: the first place deeper than `maxDepth` (the recursion stops
 * there, so a 10,000-level value is an issue with a path, not a stack overflow) and the size limit
 * (the walk stops once it is passed). A cycle is cut here and left to the schema check, which reports
 * where the value is wrong. Allocates nothing for a value within bounds.
 */
export function boundsIssues(
  value: unknown,
  base: string,
  maxDepth = MAX_DEPTH,
  maxSize = MAX_WORK_SIZE,
): ValidationIssue[] {
  const walk = new BoundsWalk(maxDepth, maxSize);
  const withinSize = walk.visit(value);
  const issues: ValidationIssue[] = [];
  if (walk.tooDeepAt)
    issues.push({ path: joinPath(base, walk.tooDeepAt), message: `nests deeper than ${maxDepth} levels` });
  if (!withinSize)
    issues.push({
      path: base || '(root)',
      message: `is larger than ${maxSize / 1024 / 1024} MiB (keys and strings counted)`,
    });
  return issues;
}

class BoundsWalk {
  /** Characters of keys and strings so far, plus one for every other value. */
  #size = 0;
  /** The objects from the root to the current one, and the keys leading there. */
  readonly #ancestors: object[] = [];
  readonly #keys: string[] = [];
  tooDeepAt: string[] | undefined;

  constructor(
    readonly maxDepth: number,
    readonly maxSize: number,
  ) {}

  /** Whether the value kept within the size limit (the walk stops once it is passed). */
  visit(v: unknown): boolean {
    this.#size += typeof v === 'string' ? v.length : 1;
    if (this.#size > this.maxSize) return false;
    if (v === null || typeof v !== 'object' || this.#ancestors.includes(v)) return true;
    if (this.#ancestors.length >= this.maxDepth) {
      this.tooDeepAt ??= [...this.#keys];
      return true;
    }
    this.#ancestors.push(v);
    let within = true;
    if (Array.isArray(v)) {
      for (let i = 0; within && i < v.length; i++) within = this.#child(String(i), v[i]);
    } else {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        this.#size += key.length;
        within = this.#child(key, (v as Record<string, unknown>)[key]);
        if (!within) break;
      }
    }
    this.#ancestors.pop();
    return within;
  }

  #child(key: string, value: unknown): boolean {
    this.#keys.push(key);
    const within = this.visit(value);
    this.#keys.pop();
    return within;
  }
}
