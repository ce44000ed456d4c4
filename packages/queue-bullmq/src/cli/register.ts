import type { Command } from 'commander';
import { RETENTION_DEFAULTS } from '../worker/retention';
import { type EnqueueFlags, enqueueCommand } from './enqueue-command';
import { connectionOptions } from './flags';
import { type QueueCommandsOptions, resolveOptions } from './io';
import { cancelCommand, statusCommand } from './queue-commands';
import { type WorkerFlags, workerCommand } from './worker-command';

export type { CommandTelemetry, QueueCommandsOptions, TelemetryRequest } from './io';

/**
 * Adds `worker`, `enqueue` and `queue status|cancel` to a commander program (the `ubom` CLI, or yours).
 * Errors are thrown to commander's `parseAsync` caller: `UbomError`s carry a `code` to map to an exit
 * code; the exit code of a command that ran is given to `setExitCode`.
 */
export function registerQueueCommands(program: Command, options: QueueCommandsOptions = {}): Command {
  const r = resolveOptions(options);

  connectionOptions(
    program
      .command('worker')
      .description('run works from a queue until SIGTERM/SIGINT, then finish or hand back running ones')
      .option('-c, --concurrency <n>', 'works run at once', '1')
      .option(
        '--grace <duration>',
        'on SIGTERM, time running works get to finish before going back to the queue',
        '30s',
      )
      .option(
        '--keep-completed <duration>',
        'how long completed jobs stay in Redis',
        RETENTION_DEFAULTS.completed,
      )
      .option('--keep-failed <duration>', 'how long failed jobs stay in Redis', RETENTION_DEFAULTS.failed)
      .option('--metrics-port <port>', 'serve /metrics (Prometheus), /healthz and /readyz on this port')
      .option('--metrics-host <host>', 'interface of --metrics-port (0.0.0.0: every one)', '127.0.0.1'),
  ).action(async (flags: WorkerFlags) => workerCommand(flags, r));

  connectionOptions(
    program
      .command('enqueue')
      .description(
        'put a work on a queue (its executor_config is encrypted when UBOM_QUEUE_SECRET_KEY is set)',
      )
      .argument('<file>', 'work file (JSON), or - to read it from stdin')
      .option('-w, --wait', 'follow the live logs on stderr and print the result')
      .option('--json', 'print JSON: {id, queue}, or the WorkResult with --wait')
      .option('-q, --quiet', 'with --wait: no live logs')
      .option('--job-id <id>', 'job id (default: the work id, plus @run-id)')
      .option('--run-id <id>', 'context.runId (part of the default job id)')
      .option('--context <file>', 'WorkContext JSON file')
      .option('--priority <n>', '1 (highest) to 2097152')
      .option('--delay <duration>', 'run no earlier than this from now')
      .option('--attempts <n>', 'attempts in all for retryable errors')
      .option('--backoff <duration>', 'delay between attempts')
      .option('--exponential', 'double the backoff after each attempt')
      .option('--retry-failed', 'also retry when the work ran and failed (success: false)'),
  ).action(async (file: string, flags: EnqueueFlags) => enqueueCommand(file, flags, r));

  const queue = program.command('queue').description('look at and act on a queue');
  connectionOptions(
    queue
      .command('status')
      .description('works by state and workers connected')
      .option('--json', 'print JSON'),
  ).action(async (flags: { json?: boolean }) => statusCommand(flags, r));
  connectionOptions(
    queue
      .command('cancel')
      .description('cancel a queued or running work')
      .argument('<job-id>', 'the job id printed by enqueue')
      .option('--reason <text>', 'recorded with the cancellation'),
  ).action(async (jobId: string, flags: { reason?: string }) => cancelCommand(jobId, flags, r));

  return program;
}
