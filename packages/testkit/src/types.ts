import type { EnhancedWorkExecutor, Work } from '@ubom/core';

/** The works the suite runs. Each must be valid for the executor under test. */
export interface ConformanceWorks {
  /** Succeeds quickly. If it prints, it prints `expectedLines` to stdout, in this order. */
  valid: Work;
  /** The stdout lines `valid` prints, in order (checked through `onLog` and `result.logs`). */
  expectedLines?: string[];
  /**
   * Would run for at least 20 s unless stopped: used by the cancel and own-timeout groups.
   * Ideally it prints one line first: the cancel group aborts as soon as a stdout/stderr line arrives
   * (so the abort lands mid-run), or after `cancelAfterMs` otherwise.
   */
  long: Work;
  /**
   * A valid work with `secret` in a `writeOnly` config field, which tries to print and return it.
   * The suite checks the secret appears nowhere (result, live logs, thrown errors).
   */
  withSecret?: {
    work: Work;
    secret: string;
    /** Values derived from the secret that the work prints or sends (an encoded header): masked too. */
    derived?: string[];
  };
}

/** An `executor_config` that must be refused, and the JSON path one of the issues must carry. */
export interface InvalidConfigCase {
  config: Record<string, unknown>;
  /** e.g. `executor_config.command`. */
  path: string;
  /** Optional: the issue at `path` must also match this. */
  message?: RegExp;
  /** Test title; defaults to the path. */
  title?: string;
}

/** Groups switched off explicitly, on top of what `getMetadata().capabilities` switches off. */
export interface ConformanceSkip {
  schema?: boolean;
  types?: boolean;
  run?: boolean;
  invalid?: boolean;
  logs?: boolean;
  cancel?: boolean;
  timeout?: boolean;
  secrets?: boolean;
  shutdown?: boolean;
}

export interface ExecutorConformanceOptions<E extends EnhancedWorkExecutor = EnhancedWorkExecutor> {
  /** Shown in the suite title: `executor conformance: <name>`. */
  name: string;
  /** Creates a ready executor (already `initialize`d for a plugin). Called once per suite. */
  createExecutor: () => E | Promise<E>;
  /** Releases it. Default: `executor.shutdown()` when it has one. */
  destroyExecutor?: (executor: E) => void | Promise<void>;
  works: ConformanceWorks;
  /** Configs `registry.validateWork` must refuse, each with an issue at `path`. May be empty. */
  invalidConfigs: InvalidConfigCase[];
  /** How many resources (processes, containers, channels) the works left behind. Must be 0 after cancel/timeout. */
  leftovers?: () => number | Promise<number>;
  /** Bound for a cancelled or timed-out work to settle, in ms. Default 10000. */
  cancelWithinMs?: number;
  /** When `long` prints nothing, abort this long after it started, in ms. Default 1500. */
  cancelAfterMs?: number;
  /** Per-test timeout for the groups that run works, in ms. Default 30000. */
  testTimeoutMs?: number;
  skip?: ConformanceSkip;
}
