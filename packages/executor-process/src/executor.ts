import { basename } from 'node:path';
import { defineExecutor, parseDuration, ValidationError } from '@ubom/core';
import { version } from '../package.json';
import { commandLine, runnableProblem, spawnFailure } from './command';
import { processConfigSchema } from './config';
import { childEnvironment, withTraceContext } from './environment';
import { toOutcome } from './mapping';
import { sweepOrphanGroups } from './ownership';
import { runProcess } from './run-process';

export const PROCESS_WORK_TYPE = 'process';

/** Runs a local command: no shell unless asked, its whole process group stopped on timeout and cancel. */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-process',
  version,
  type: PROCESS_WORK_TYPE,
  description: 'Runs local commands as child processes',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-process',
  config: processConfigSchema,

  /** Groups left running by a dead owner (its watchdog dead too) are stopped, as docker sweeps containers. */
  async setup() {
    await sweepOrphanGroups().catch(() => undefined);
  },

  /** Without running anything: the working directory exists, the program is on the child's PATH. */
  async dryRun({ config }) {
    const problem = await runnableProblem(config, childEnvironment(config));
    if (problem) throw new ValidationError([problem], { scope: PROCESS_WORK_TYPE });
  },

  async run({ config, signal, log, lines, span, traceCarrier }) {
    const { file, args } = commandLine(config);
    const env = childEnvironment(config);
    const name = basename(file);
    return span(`process ${name}`, { 'process.executable.name': name }, async (s) => {
      withTraceContext(env, traceCarrier(), config);
      const outcome = await runProcess({
        file,
        args,
        cwd: config.cwd,
        env,
        stdin: config.stdin,
        graceMs: parseDuration(config.kill_grace_period) ?? 5000,
        signal,
        keepJsonTail: config.output === 'json',
        stdout: lines('stdout'),
        stderr: lines('stderr'),
        notice: (level, message) => log(level, message),
      }).catch(async (error: unknown) => {
        throw await spawnFailure(error, config, env);
      });
      s.setAttributes({ 'process.pid': outcome.pid, 'process.exit.code': outcome.exitCode ?? undefined });
      const result = toOutcome(outcome, config);
      if (result.success === false) s.fail(result.error ?? 'the command failed');
      return result;
    });
  },
});

/** The plugin `createPlugin()` makes (a `KernelPlugin`). */
export type ProcessExecutor = ReturnType<typeof createPlugin>;

/** The JSON Schema of `executor_config` (draft 2020-12, the kernel's `timeout` included): `getSchema().config`. */
export const processConfigJsonSchema = createPlugin().getSchema().config;
