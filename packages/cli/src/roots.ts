import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiscoveryRoot } from '@ubom/core';
import { InputError } from './errors';

/** The CLI package folder (`dist/..`): plugins installed beside it (a global install) are found too. */
const CLI_PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface RootsOptions {
  cwd: string;
  /** `--plugin <path|package>` values, in order. */
  plugins?: readonly string[];
  /** `plugin_paths` of the configuration (absolute). */
  pluginPaths?: readonly string[];
  /** The work file being run or validated (not for stdin). */
  workFile?: string | undefined;
}

/** The nearest package.json from `dir` upward, when it carries a `ubom` manifest: a plugin's own folder. */
function currentPluginPackage(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { ubom?: unknown }).ubom === undefined
          ? undefined
          : d;
      } catch {
        return undefined;
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** `--plugin` given as a folder, or as an installed package name (resolved from `cwd`). */
function pluginFolder(spec: string, cwd: string): string {
  const path = isAbsolute(spec) || spec.startsWith('.') ? resolve(cwd, spec) : undefined;
  if (path !== undefined) {
    if (!existsSync(join(path, 'package.json')))
      throw new InputError(`--plugin ${spec}: no package.json in ${path}`);
    return path;
  }
  try {
    return dirname(createRequire(join(cwd, 'noop.js')).resolve(`${spec}/package.json`));
  } catch (cause) {
    throw new InputError(`--plugin ${spec}: no folder of that name and no installed package either`, {
      cause,
    });
  }
}

/**
 * Where plugins are looked for, in order of precedence (the first copy of a package wins; for a work
 * type two packages claim, the earlier root wins):
 * 1. `--plugin <path|package>` and the configuration's `plugin_paths`;
 * 2. the current package, when its package.json has a `ubom` manifest (a plugin author's dev loop);
 * 3. the work file's folder and its parents;
 * 4. the current folder and its parents;
 * 5. where ubom itself is installed (a global install finds plugins installed beside it).
 */
export function discoveryRoots(o: RootsOptions): DiscoveryRoot[] {
  const roots: DiscoveryRoot[] = [];
  for (const spec of o.plugins ?? [])
    roots.push({ path: pluginFolder(spec, o.cwd), kind: 'package', source: '--plugin' });
  for (const path of o.pluginPaths ?? []) roots.push({ path, kind: 'package', source: 'plugin_paths' });
  const current = currentPluginPackage(o.cwd);
  if (current) roots.push({ path: current, kind: 'package', source: 'current package' });
  if (o.workFile) roots.push({ path: dirname(resolve(o.cwd, o.workFile)), source: 'work file folder' });
  roots.push({ path: o.cwd, source: 'current folder' });
  roots.push({ path: CLI_PACKAGE_DIR, source: 'ubom install' });
  return roots;
}

/** The roots as a sentence for "no executor" messages. */
export function describeRoots(roots: readonly DiscoveryRoot[]): string {
  return roots
    .map((r) => `${r.source ?? 'root'} ${r.path}${r.kind === 'package' ? '' : ' (and parents)'}`)
    .join('; ');
}
