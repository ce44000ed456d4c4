import type { WorkerExecutors } from '../worker/executors';

/** Where the commands read and write; the process's own streams unless given. */
export interface QueueCliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): boolean };
  stderr: { write(chunk: string): boolean };
  env: NodeJS.ProcessEnv;
}

export interface QueueCommandsOptions {
  io?: Partial<QueueCliIo>;
  /** Receives each command's exit code (0 ok, 1 the work failed, 130 interrupted). Default: `process.exitCode`. */
  setExitCode?: (code: number) => void;
  /**
   * The executors `ubom worker` runs works with. Default: installed plugins discovered from the current
   * directory, each loaded when a work of its type first arrives.
   */
  loadExecutors?: () => Promise<{ registry: WorkerExecutors['registry']; shutdown(): Promise<unknown> }>;
  /** Let `worker` and `enqueue --wait` trap SIGINT/SIGTERM (the bin does). Default true. */
  handleSignals?: boolean;
}

export interface Resolved {
  io: QueueCliIo;
  setExitCode: (code: number) => void;
  loadExecutors: QueueCommandsOptions['loadExecutors'];
  handleSignals: boolean;
}

export function resolveOptions(options: QueueCommandsOptions): Resolved {
  return {
    io: {
      stdin: options.io?.stdin ?? process.stdin,
      stdout: options.io?.stdout ?? process.stdout,
      stderr: options.io?.stderr ?? process.stderr,
      env: options.io?.env ?? process.env,
    },
    setExitCode:
      options.setExitCode ??
      ((code) => {
        process.exitCode = code;
      }),
    loadExecutors: options.loadExecutors,
    handleSignals: options.handleSignals ?? true,
  };
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
