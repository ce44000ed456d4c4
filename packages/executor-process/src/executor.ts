import { existsSync } from 'node:fs';
import {
  API_VERSION,
  abortErrorFrom,
  BasePlugin,
  type ExecuteOptions,
  LogCollector,
  Masker,
  MetricsClock,
  NotFoundError,
  parseDuration,
  throwIfAborted,
  timeoutOf,
  UnavailableError,
  ValidationError,
  type Work,
  type WorkContext,
  type WorkResult,
  WorksInFlight,
} from '@ubom/core';
import { version } from '../package.json';
import { commandLine } from './command';
import { processConfigJsonSchema } from './config';
import { childEnvironment, secretValues } from './environment';
import { toWorkResult } from './mapping';
import { runProcess } from './run-process';
import { parseConfig, validateWork } from './validate';

const SCOPE = 'process';
export const PROCESS_WORK_TYPE = 'process';

/** Runs a local command: no shell unless asked, its whole process group stopped on timeout and cancel. */
export class ProcessExecutor extends BasePlugin {
  /** Works in flight, so `shutdown()` can stop them and wait until their processes are gone. */
  readonly #works = new WorksInFlight();

  constructor() {
    super(
      {
        name: '@ubom/executor-process',
        version,
        apiVersion: API_VERSION,
        description: 'Runs local commands as child processes',
        homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-process',
      },
      {
        name: PROCESS_WORK_TYPE,
        description:
          'A local command: argv without a shell by default, streamed output, process tree killed on timeout/cancel',
        version,
        capabilities: { cancel: true, streamLogs: true, dryRun: true },
      },
      { type: PROCESS_WORK_TYPE, version: '1.0.0', config: processConfigJsonSchema },
    );
  }

  /** Config rules the schema cannot express, then the dry run: `cwd` exists, the program is on PATH. */
  override async validate(work: Work): Promise<void> {
    await validateWork(work);
  }

  async execute(work: Work, _workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    throwIfAborted(options.signal, SCOPE);
    const config = parseConfig(work);
    return this.#works.run(options.signal, (signal) => this.#run(config, signal, options));
  }

  /** Stops every work still running (their process groups included) and waits for them. */
  override async shutdown(): Promise<void> {
    await this.#works.abortAll('the executor is shutting down', SCOPE);
  }

  async #run(
    config: ReturnType<typeof parseConfig>,
    signal: AbortSignal,
    options: ExecuteOptions,
  ): Promise<WorkResult> {
    const masker = Masker.of(secretValues(config));
    const logs = new LogCollector({ onLog: options.onLog });
    const clock = new MetricsClock();
    const timeoutMs = config.timeout === undefined ? undefined : parseDuration(config.timeout);
    const line = commandLine(config);
    const outcome = await runProcess({
      file: line.file,
      args: line.args,
      cwd: config.cwd,
      env: childEnvironment(config),
      stdin: config.stdin,
      timeoutMs,
      graceMs: parseDuration(config.kill_grace_period) ?? 5000,
      signal,
      keepJsonTail: config.output === 'json',
      onLine: (source, text) => logs.add('info', source, masker.string(text)),
      onNotice: (level, message) => logs.add(level, 'executor', message),
    }).catch((error: unknown) => {
      throw spawnError(error, line.file, line.fileKey, config.cwd);
    });
    if (outcome.stoppedBy === 'abort' && timeoutOf(signal.reason) === undefined)
      throw abortErrorFrom(signal, SCOPE);
    const stoppedByTimeout =
      outcome.stoppedBy === 'abort' ? { ...outcome, stoppedBy: 'timeout' as const } : outcome;
    const reasonMs = (signal.reason as { timeoutMs?: unknown } | undefined)?.timeoutMs;
    return toWorkResult(stoppedByTimeout, {
      config,
      timeoutMs: outcome.stoppedBy === 'abort' && typeof reasonMs === 'number' ? reasonMs : timeoutMs,
      clock,
      logs,
      masker,
    });
  }
}

/** A command that could not be started: nothing ran, so the work rejects instead of resolving. */
function spawnError(error: unknown, file: string, fileKey: string, cwd: string | undefined): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const options = { scope: SCOPE, cause: error };
  if (code === 'ENOENT') {
    if (cwd !== undefined && !existsSync(cwd))
      return new NotFoundError(`working directory "${cwd}" does not exist`, options);
    return new NotFoundError(`command "${file}" was not found`, options);
  }
  if (code === 'EACCES') {
    return ValidationError.single(`executor_config.${fileKey}`, `"${file}" is not executable`, {
      scope: SCOPE,
      cause: error,
    });
  }
  return new UnavailableError(
    `could not start "${file}": ${(error as Error | undefined)?.message ?? String(error)}`,
    options,
  );
}
