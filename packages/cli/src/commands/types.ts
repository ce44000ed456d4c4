import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { loadExecutors } from '../executors';
import { paletteFor } from '../render';

export interface TypesFlags {
  json?: boolean;
}

interface Row {
  type: string;
  executor: string;
  version: string;
  package: string;
  description: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The work types this CLI can run, with the executor (name and version) behind each. */
export async function typesCommand(flags: TypesFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const executors = await loadExecutors();
  try {
    const rows: Row[] = executors.loaded.flatMap((e) =>
      e.types.map((type) => ({
        type,
        executor: e.info.name,
        version: e.info.version,
        package: e.packageName,
        description: e.info.description ?? e.plugin.getMetadata().description,
      })),
    );
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ types: rows, missing: executors.missing }, null, 2)}\n`);
      return EXIT.ok;
    }
    const head = ['TYPE', 'EXECUTOR', 'VERSION', 'DESCRIPTION'];
    io.stdout.write(`${table([head, ...rows.map((r) => [r.type, r.executor, r.version, r.description])])}\n`);
    const p = paletteFor(io.stdout, io.env);
    for (const m of executors.missing) {
      const what = m.reason === 'not installed' ? `not installed — npm i ${m.packageName}` : m.reason;
      io.stdout.write(p.dim(`${m.types.join(', ')}: ${what}\n`));
    }
    return EXIT.ok;
  } finally {
    await executors.shutdown();
  }
}
