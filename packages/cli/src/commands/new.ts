import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { CommandContext } from '../context';
import { EXIT, InputError } from '../errors';
import { openProject } from '../project';
import { starterConfig, variantValues } from '../starter';
import { workFileSchemaOf } from './schema';

export interface NewFlags {
  force?: boolean;
  variant?: string[];
}

/** The editor schema a starter's `"$schema"` names, beside the work file (`ubom schema --work` writes it). */
export const WORK_SCHEMA_FILE = 'ubom-work.schema.json';

const idFor = (file: string | undefined, type: string): string =>
  (file && basename(file, extname(file)).trim()) || `my-${type}-work`;

async function writeNew(path: string, text: string, force: boolean): Promise<void> {
  try {
    await writeFile(path, text, { flag: force ? 'w' : 'wx' });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new InputError(`${path} already exists: use --force to overwrite it`);
    throw new InputError(`cannot write ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** The types an existing editor schema knows (`undefined` when it is not ubom's or not readable). */
function knownTypes(path: string): string[] | undefined {
  try {
    const schema = JSON.parse(readFileSync(path, 'utf8'));
    const types = schema?.properties?.type?.enum;
    return Array.isArray(types) ? types : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `ubom new <type> [file]`: a starter work from the type's schema (nothing is asked of the backend).
 * Without `file` it goes to stdout; a file is never overwritten without `--force`. Beside a new file,
 * `ubom-work.schema.json` (the editor schema its `"$schema"` names) is written when missing.
 */
export async function newCommand(
  type: string,
  file: string | undefined,
  flags: NewFlags,
  ctx: CommandContext,
): Promise<number> {
  const { io } = ctx;
  const { executors } = await openProject(ctx);
  try {
    const schema = await executors.schemaOf(type);
    const variants = flags.variant ?? [];
    const offered = variantValues(schema.config);
    const unknown = variants.filter((v) => !offered.includes(v));
    if (unknown.length > 0) {
      const choice = offered.length > 0 ? `its variants: ${offered.join(', ')}` : 'it has no variants';
      throw new InputError(
        `no variant ${unknown.map((v) => `"${v}"`).join(', ')} in ${type} works (${choice})`,
      );
    }
    const starter = starterConfig(schema.config, variants);
    if (starter.unused.length > 0)
      throw new InputError(
        `variant ${starter.unused.map((v) => `"${v}"`).join(', ')} does not fit with the others: give one variant of each choice`,
      );
    const work = {
      $schema: `./${WORK_SCHEMA_FILE}`,
      id: idFor(file, type),
      type,
      executor_config: starter.config,
    };
    const text = `${JSON.stringify(work, null, 2)}\n`;
    const notes: string[] = [];
    if (file === undefined) {
      io.stdout.write(text);
      notes.push(
        `"$schema" names ${WORK_SCHEMA_FILE} beside the work: ubom schema --work > ${WORK_SCHEMA_FILE}`,
      );
    } else {
      await writeNew(file, text, flags.force === true);
      notes.push(`wrote ${file}: a ${type} work; check it with ubom validate ${file}`);
      const editorSchema = join(dirname(file), WORK_SCHEMA_FILE);
      if (!existsSync(editorSchema)) {
        const whole = await workFileSchemaOf(executors);
        await writeNew(editorSchema, `${JSON.stringify(whole, null, 2)}\n`, false);
        notes.push(`wrote ${editorSchema} for editors (the installed work types)`);
      } else if (!knownTypes(editorSchema)?.includes(type)) {
        notes.push(`${editorSchema} does not list ${type}: ubom schema --work > ${editorSchema}`);
      }
    }
    notes.push(
      'optional keys with a default are written with it: delete the ones you do not need' +
        (starter.omitted.length > 0 ? `; also: ${starter.omitted.join(', ')}` : '') +
        ` (ubom schema ${type} --table)`,
    );
    for (const v of starter.variants.filter((v) => v.values.length > 1)) {
      const others = v.values.filter((value) => value !== v.chosen);
      notes.push(
        `${v.path ? `${v.path}.` : ''}${v.key}: ${v.chosen} written; others: ${others.join(', ')} (--variant ${others[0]})`,
      );
    }
    if (text.includes('"$secret"'))
      notes.push('secrets are references: { "$secret": "NAME" } reads UBOM_SECRET_NAME by default');
    for (const note of notes) io.stderr.write(`${note}\n`);
    return EXIT.ok;
  } finally {
    await executors.shutdown();
  }
}
