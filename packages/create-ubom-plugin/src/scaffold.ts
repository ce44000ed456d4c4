import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pascalCase } from './names';
import type { Plan } from './options';
import { CORE_RANGE, PLUGIN_DEPENDENCIES, PLUGIN_DEV_DEPENDENCIES } from './versions';

/** `template-typescript/` beside `dist/` (published) or `src/` (tests). */
export const TEMPLATE_DIR = fileURLToPath(new URL('../template-typescript', import.meta.url));

/** npm drops `.gitignore` from published tarballs, so the template ships it under another name. */
const RENAMES: Readonly<Record<string, string>> = { _gitignore: '.gitignore' };
/** Files copied as they are (placeholders are replaced in the others). */
const BINARY = /\.(png|jpe?g|gif|ico|woff2?)$/;

/**
 * Placeholders in the template's text files. They are plain words, so that the template stays valid
 * TypeScript and Markdown (it is type-checked and formatted with the rest of the repository).
 */
function placeholders(plan: Plan): Array<[string, string]> {
  return [
    ['UBOM_PACKAGE_NAME', plan.packageName],
    ['UBOM_DESCRIPTION', plan.description],
    ['UBOM_WORK_TYPE', plan.workType],
    ['UbomTemplate', pascalCase(plan.workType)],
  ];
}

/**
 * `exports` of the generated package: types first in each condition, ESM and CJS. Added here rather
 * than kept in the template's package.json, because a nested package.json with `exports` in our own
 * tarball is an error for publint.
 */
const EXPORTS = {
  '.': {
    import: { types: './dist/index.d.ts', default: './dist/index.js' },
    require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
  },
  './package.json': './package.json',
};

/** The template's package.json with the plan's name, manifest, `exports` and dependency versions. */
export function packageJson(template: string, plan: Plan): string {
  const pkg = JSON.parse(template) as Record<string, unknown> & { ubom: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pkg)) {
    out[key] = value;
    if (key === 'description' && plan.author) out.author = plan.author;
    if (key === 'types') out.exports = EXPORTS;
  }
  out.name = plan.packageName;
  out.description = plan.description;
  out.ubom = { ...pkg.ubom, workTypes: [plan.workType] };
  out.dependencies = { ...PLUGIN_DEPENDENCIES };
  out.peerDependencies = { '@ubom/core': CORE_RANGE };
  out.devDependencies = { ...PLUGIN_DEV_DEPENDENCIES };
  if (plan.scope) out.publishConfig = { access: 'public' };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Removes everything in `dir` but `.git`. */
export function emptyDir(dir: string): void {
  for (const entry of readdirSync(dir)) {
    if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** Writes the plugin package into `plan.dir`; returns the files written, relative to it, sorted. */
export function scaffold(plan: Plan, templateDir = TEMPLATE_DIR): string[] {
  if (plan.emptyFirst) emptyDir(plan.dir);
  const replace = placeholders(plan);
  const written: string[] = [];
  const copy = (from: string, relative: string): void => {
    mkdirSync(join(plan.dir, relative), { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      const name = join(relative, RENAMES[entry.name] ?? entry.name);
      const target = join(plan.dir, name);
      if (entry.isDirectory()) copy(source, name);
      else if (BINARY.test(entry.name)) copyFileSync(source, target);
      else {
        const text = readFileSync(source, 'utf8');
        if (name === 'package.json') writeFileSync(target, packageJson(text, plan));
        else
          writeFileSync(
            target,
            replace.reduce((t, [token, value]) => t.replaceAll(token, () => value), text),
          );
      }
      if (!entry.isDirectory()) written.push(name);
    }
  };
  copy(templateDir, '');
  return written.sort();
}
