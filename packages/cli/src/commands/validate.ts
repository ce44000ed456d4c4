import { ValidationError, type Work } from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { openExecutors } from '../executors';
import { readWork } from '../read-work';
import { formatIssues, paletteFor } from '../render';

/** Schema and executor checks, nothing runs. Every problem at once with its JSON path. */
export async function validateCommand(file: string, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { work, label } = await readWork({ path: file, stdin: io.stdin });
  const executors = await openExecutors({ cwd: ctx.cwd });
  try {
    await executors.registry.validateWork(work as Work);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.stderr.write(formatIssues(label, error.issues, paletteFor(io.stderr, io.env)));
    return EXIT.usage;
  } finally {
    await executors.shutdown();
  }
  const { id, type } = work as Work;
  io.stdout.write(`valid: ${label} (${type} work "${id}")\n`);
  return EXIT.ok;
}
