import type { IncomingMessage, ServerResponse } from 'node:http';
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
  loadExecutors?: () => Promise<{
    registry: WorkerExecutors['registry'];
    shutdown(): Promise<unknown>;
    /** Health of the plugins loaded so far, for `/readyz`. */
    health?: WorkerExecutors['health'];
  }>;
  /** Let `worker` and `enqueue --wait` trap SIGINT/SIGTERM (the bin does). Default true. */
  handleSignals?: boolean;
  /**
   * Sets up OpenTelemetry for `worker` and `enqueue` before they start (the `ubom` CLI starts the
   * Node SDK when the `OTEL_*` variables ask for it); `shutdown` flushes it when the command ends,
   * after a failure too. `prometheus`: `worker --metrics-port` wants a `/metrics` handler.
   */
  telemetry?: (request: TelemetryRequest) => Promise<CommandTelemetry>;
}

export interface TelemetryRequest {
  command: 'worker' | 'enqueue';
  prometheus: boolean;
}

export interface CommandTelemetry {
  /** Serves the metrics in Prometheus' text format at `/metrics`. */
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
  shutdown(): Promise<void>;
}

export interface Resolved {
  io: QueueCliIo;
  setExitCode: (code: number) => void;
  loadExecutors: QueueCommandsOptions['loadExecutors'];
  handleSignals: boolean;
  telemetry: NonNullable<QueueCommandsOptions['telemetry']>;
}

const NO_TELEMETRY: CommandTelemetry = { shutdown: async () => {} };

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
    telemetry: options.telemetry ?? (async () => NO_TELEMETRY),
  };
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
