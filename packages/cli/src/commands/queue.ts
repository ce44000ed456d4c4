import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { InputError } from '../errors';
import { openProject } from '../project';
import { startTelemetry } from '../telemetry';

export const QUEUE_COMMANDS = new Set(['worker', 'enqueue', 'queue']);
const QUEUE_PACKAGE = '@ubom/queue-bullmq';

/**
 * Adds `worker`, `enqueue` and `queue` from @ubom/queue-bullmq, an optional peer: it is imported only
 * when one of those commands runs, so plain `ubom run` never loads BullMQ or a Redis client.
 */
export async function registerQueue(
  program: Command,
  ctx: () => CommandContext,
  setExitCode: (code: number) => void,
): Promise<void> {
  let mod: typeof import('@ubom/queue-bullmq');
  try {
    mod = await import(QUEUE_PACKAGE);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new InputError(`queue commands need ${QUEUE_PACKAGE} — install it next to @ubom/cli`, { cause });
    }
    throw cause;
  }
  const c = ctx();
  mod.registerQueueCommands(program, {
    io: c.io,
    setExitCode,
    loadExecutors: async () => {
      const { executors } = await openProject(c);
      return {
        registry: executors.registry,
        shutdown: () => executors.shutdown(),
        // the plugins loaded so far (each is loaded with the first work of its type)
        health: () =>
          Promise.all(
            executors.loaded.map(async ({ packageName: name, plugin }) => {
              try {
                await plugin.healthCheck();
                return { name, healthy: true };
              } catch (error) {
                return { name, healthy: false, error };
              }
            }),
          ),
      };
    },
    handleSignals: c.handleSignals,
    telemetry: ({ prometheus }) =>
      startTelemetry({ env: c.io.env, prometheus, warn: (line) => c.io.stderr.write(`${line}\n`) }),
  });
}
