import { AbortError, parseDuration, ValidationError, type Work, type WorkResult } from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT, InputError } from '../errors';
import { openProject } from '../project';
import { readWork } from '../read-work';
import { formatIssues, formatSummary, LiveView, paletteFor, titleOf } from '../render';
import { startTelemetry } from '../telemetry';

export interface RunFlags {
  json?: boolean;
  quiet?: boolean;
  timeout?: string;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * While a work runs, the first SIGINT/SIGTERM aborts it (the executor cleans up, then we exit 130/143);
 * a second one exits at once without waiting for cleanup.
 */
function trapSignals(
  controller: AbortController,
  view: () => LiveView | undefined,
): { exitCode: () => number | undefined; release: () => void } {
  let first: string | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal;
      // the status line first, so the note is not followed by one last "running for …" redraw
      view()?.cancelling();
      view()?.note(`[ubom] ${signal}: cancelling the work and cleaning up (press Ctrl-C again to force)`);
      controller.abort(new AbortError(`interrupted by ${signal}`));
      return;
    }
    view()?.stop();
    process.stderr.write('[ubom] forced exit: the work may not have been cleaned up\n');
    process.exit(SIGNAL_EXIT[first] ?? EXIT.interrupted);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    exitCode: () => (first === undefined ? undefined : (SIGNAL_EXIT[first] ?? EXIT.interrupted)),
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `ubom run`: with the OpenTelemetry SDK when the `OTEL_*` variables ask for it, flushed however the run ends. */
export async function runCommand(file: string, flags: RunFlags, ctx: CommandContext): Promise<number> {
  const telemetry = await startTelemetry({
    env: ctx.io.env,
    warn: (line) => ctx.io.stderr.write(`${line}\n`),
  });
  try {
    return await runWork(file, flags, ctx);
  } finally {
    await telemetry.shutdown();
  }
}

async function runWork(file: string, flags: RunFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { work, label, locate } = await readWork({ path: file, stdin: io.stdin });
  if (flags.timeout !== undefined) {
    if (parseDuration(flags.timeout) === undefined) {
      throw new InputError(`--timeout must be a duration like 30s, 1m30s or 500ms, got "${flags.timeout}"`);
    }
    if (work !== null && typeof work === 'object' && !Array.isArray(work))
      (work as Work).timeout = flags.timeout;
  }

  const controller = new AbortController();
  const outer = ctx.signal;
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  outer?.addEventListener('abort', forward, { once: true });
  let view: LiveView | undefined;
  const trap = ctx.handleSignals ? trapSignals(controller, () => view) : undefined;

  const { config, executors } = await openProject(ctx, file);
  const w = work as Partial<Work> | null;
  if (config.defaults.timeout !== undefined && w && typeof w === 'object' && w.timeout === undefined)
    w.timeout = config.defaults.timeout;
  try {
    const errPalette = paletteFor(io.stderr, io.env);
    view = new LiveView(io.stderr, errPalette, titleOf(work), { logs: !flags.quiet, status: !flags.quiet });
    const live = view;
    controller.signal.addEventListener('abort', () => {
      live.cancelling();
      if (!trap) live.note('[ubom] cancelling the work and cleaning up');
    });
    let result: WorkResult;
    try {
      result = await executors.registry.execute(
        work as Work,
        {},
        { signal: controller.signal, onLog: (e) => live.log(e) },
      );
    } catch (error) {
      live.stop();
      if (error instanceof ValidationError) {
        io.stderr.write(formatIssues(label, error.issues, errPalette, locate));
        return EXIT.usage;
      }
      if (error instanceof AbortError && controller.signal.aborted) {
        io.stderr.write(`[ubom] cancelled after ${live.elapsed()}: ${label} was stopped and cleaned up\n`);
        return trap?.exitCode() ?? EXIT.interrupted;
      }
      throw error;
    } finally {
      live.stop();
    }
    if (flags.json) {
      // which work this result is for: `id` and `type` first (a list of results stays readable)
      const { id, type } = work as Work;
      io.stdout.write(`${JSON.stringify({ id, type, ...result }, null, 2)}\n`);
    } else
      io.stdout.write(
        formatSummary(result, work as Work, paletteFor(io.stdout, io.env), { logsShown: !flags.quiet }),
      );
    if (controller.signal.aborted) return trap?.exitCode() ?? EXIT.interrupted;
    return result.success ? EXIT.ok : EXIT.failed;
  } finally {
    trap?.release();
    outer?.removeEventListener('abort', forward);
    await executors.shutdown();
  }
}
