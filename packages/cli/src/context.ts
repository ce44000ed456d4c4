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
  /** `--config FILE`: the configuration file (else `UBOM_CONFIG`, else `ubom.config.json` upward). */
  configFile: string | undefined;
  /** `--plugin <path|package>` values: plugin packages loaded before installed ones. */
  plugins: string[];
  /** Cancels a running work when aborted (programmatic use). */
  signal: AbortSignal | undefined;
}
