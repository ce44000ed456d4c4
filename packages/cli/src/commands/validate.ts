import { ValidationError, type Work } from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { openProject } from '../project';
import { readWork } from '../read-work';
import { clip, formatIssues, paletteFor } from '../render';

/**
 * Schema and executor checks, and the executor's dry run against its backend (the program is on PATH,
 * the image is on the engine…; `dryRun: false` skips it); nothing runs. Every problem at once with its
 * JSON path.
 */
export async function validateCommand(
  file: string,
  flags: { resolve?: boolean; dryRun?: boolean },
  ctx: CommandContext,
): Promise<number> {
  const { io } = ctx;
  const { work, label, locate } = await readWork({ path: file, stdin: io.stdin });
  const { executors } = await openProject(ctx, file);
  try {
    await executors.registry.validateWork(work as Work, {
      dryRun: flags.dryRun !== false,
      resolveSecrets: flags.resolve === true,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.stderr.write(formatIssues(label, error.issues, paletteFor(io.stderr, io.env), locate));
    return EXIT.usage;
  } finally {
    await executors.shutdown();
  }
  const { id, type } = work as Work;
  io.stdout.write(`valid: ${clip(label)} (${clip(type)} work "${clip(id)}")\n`);
  return EXIT.ok;
}
