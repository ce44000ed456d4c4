import type { OutStream } from './render';

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  io: Io;
  debug: boolean;
  /** The project folder: plugins are searched from here upward (then from the CLI's own folder). */
  cwd: string;
  /** True for the `ubom` bin: SIGINT/SIGTERM cancel a running work (a second one forces the exit). */
  handleSignals: boolean;
  /** Cancels a running work when aborted (programmatic use). */
  signal: AbortSignal | undefined;
}
