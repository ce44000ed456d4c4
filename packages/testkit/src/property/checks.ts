import type { ValidationIssue, Work } from '@ubom/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { expectWellFormedResult } from '../helpers';
import { HANG_BOUND_MS } from './arbitraries';

// The checks every executor's answer to hostile input must pass (`@ubom/testkit/property`).

/** Settles `promise` into `{ ok, value } | { ok: false, error }`, or throws if it takes longer than `ms`. */
export async function bounded<T>(
  promise: Promise<T>,
  ms = HANG_BOUND_MS,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = Symbol('hung');
  const hang = new Promise<typeof hung>((resolve) => {
    timer = setTimeout(() => resolve(hung), ms);
  });
  try {
    const value = await Promise.race([promise, hang]);
    if (value === hung) throw new Error(`hung for ${ms} ms`);
    return { ok: true, value: value as T };
  } catch (error) {
    if (error instanceof Error && error.message === `hung for ${ms} ms`) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

const CODES = new Set([
  'VALIDATION',
  'NOT_FOUND',
  'UNAVAILABLE',
  'TIMEOUT',
  'ABORTED',
  'CONFLICT',
  'WORK_FAILED',
  'INTERNAL',
]);

/**
 * A rejection must be a `UbomError` (checked by shape, so it holds across ESM/CJS copies of core: an
 * `Error` with a known `code` and a boolean `retryable`), never a `PLUGIN` error (a crash the kernel
 * wrapped); a `ValidationError`'s issues each carry a path under `pathPrefix` and a sentence.
 */
export function expectWellFormedRejection(error: unknown, pathPrefix = 'executor_config'): void {
  const stack = String((error as Error | undefined)?.stack ?? error);
  expect(error, stack).toBeInstanceOf(Error);
  const e = error as Error & { code?: unknown; retryable?: unknown; issues?: unknown };
  expect(
    CODES.has(e.code as string),
    `a UbomError code other than PLUGIN, got ${String(e.code)}: ${stack}`,
  ).toBe(true);
  expect(typeof e.retryable, stack).toBe('boolean');
  if (e.code !== 'VALIDATION') return;
  expect(Array.isArray(e.issues), stack).toBe(true);
  const issues = e.issues as ValidationIssue[];
  expect(issues.length, stack).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.path.startsWith(pathPrefix), `${issue.path} is under ${pathPrefix}`).toBe(true);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

export interface HostileWorksOptions {
  /** The work type, for the works made from each config. */
  type: string;
  /** `registry.validateWork` (optionally with the dry run), or any check of one work. */
  check: (work: Work) => Promise<unknown>;
  configs: fc.Arbitrary<unknown>;
  numRuns?: number;
  /** Configs always tried first. */
  examples?: unknown[];
  /** Called with what `check` resolved with. */
  onResolved?: (value: unknown) => void;
}

/**
 * Runs `check` on works made of random `configs`: each settles within `HANG_BOUND_MS`, and each
 * rejection is well formed (`expectWellFormedRejection`). Resolves with how many passed and were refused.
 */
export async function checkHostileWorks(
  options: HostileWorksOptions,
): Promise<{ accepted: number; refused: number }> {
  const counts = { accepted: 0, refused: 0 };
  const work = (executor_config: unknown) =>
    ({ id: 'property', type: options.type, executor_config }) as unknown as Work;
  await fc.assert(
    fc.asyncProperty(options.configs, async (config) => {
      const outcome = await bounded(options.check(work(config)));
      if (outcome.ok) {
        counts.accepted++;
        options.onResolved?.(outcome.value);
      } else {
        counts.refused++;
        expectWellFormedRejection(outcome.error);
      }
    }),
    {
      numRuns: options.numRuns ?? 1000,
      examples: (options.examples ?? []).map((config) => [config] as [unknown]),
    },
  );
  return counts;
}

/**
 * `checkHostileWorks` for `execute` (through the registry, against the real backend): every work
 * resolves with a well-formed `WorkResult` (`expectWellFormedResult`) or rejects with a well-formed
 * error. Resolves with how many ran (`accepted`) and were refused.
 */
export function checkHostileRuns(
  options: Omit<HostileWorksOptions, 'check' | 'onResolved'> & { execute: (work: Work) => Promise<unknown> },
): Promise<{ accepted: number; refused: number }> {
  const { execute, ...rest } = options;
  return checkHostileWorks({ ...rest, check: execute, onResolved: (value) => expectWellFormedResult(value) });
}
