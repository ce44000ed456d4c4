import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { openProject } from '../project';

export interface SchemaFlags {
  full?: boolean;
}

/** Prints the JSON Schema of a type's `executor_config` (`--full`: the whole WorkSchema). */
export async function schemaCommand(type: string, flags: SchemaFlags, ctx: CommandContext): Promise<number> {
  const { executors } = await openProject(ctx);
  try {
    await executors.load(type);
    const schema = executors.registry.getSchema(type);
    ctx.io.stdout.write(`${JSON.stringify(flags.full ? schema : schema.config, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await executors.shutdown();
  }
}
