import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { BUILTIN_EXECUTORS } from '../executors';
import { openProject } from '../project';
import { paletteFor, table } from '../render';

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

const BUILTIN_ORDER = Object.keys(BUILTIN_EXECUTORS);
/** Built-in types first, in their usual order, then the others alphabetically. */
const order = (type: string): number => {
  const i = BUILTIN_ORDER.indexOf(type);
  return i === -1 ? BUILTIN_ORDER.length : i;
};

/** The work types this CLI can run, with the executor (name and version) behind each. */
export async function typesCommand(flags: TypesFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { executors } = await openProject(ctx);
  try {
    await executors.loadAll();
    const rows: Row[] = executors.loaded.flatMap((e) =>
      e.types.map((type) => ({
        type,
        executor: e.info.name,
        version: e.info.version,
        package: e.packageName,
        description: e.info.description ?? e.plugin.getMetadata().description,
      })),
    );
    rows.sort((a, b) => order(a.type) - order(b.type) || a.type.localeCompare(b.type));
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
