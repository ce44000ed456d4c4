import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isPluginPackageName, manifestProblem, type PluginManifest } from './manifest';

export type DiscoveredStatus = 'available' | 'unsupported' | 'invalid' | 'conflict';

export interface DiscoveredPlugin {
  packageName: string;
  version: string;
  /** The package folder (symlinks resolved). */
  dir: string;
  /** The manifest's work types (also for an unusable manifest, as far as it names any). */
  workTypes: string[];
  /** Absolute path of the module exporting `createPlugin()`. */
  entryPath: string | undefined;
  status: DiscoveredStatus;
  reason?: string;
  manifest?: PluginManifest;
  /** The root it was found through (`--plugin`, `current package`, `work file folder`…), when roots were named. */
  source?: string;
}

/** Where to look: a plugin package's own folder, or a folder whose `node_modules` (upward) are searched. */
export interface DiscoveryRoot {
  path: string;
  /** `package`: `path` is a plugin package itself; `search` (default): its node_modules, upward. */
  kind?: 'package' | 'search';
  /** Shown in `plugins list` and in "no executor" messages. */
  source?: string;
}

export interface DiscoverOptions {
  /** Folders to search from, each upward to the file-system root. Default: `process.cwd()`. */
  from?: string[];
  /**
   * Roots in order of precedence (searched before `from`). The first copy of a package found wins;
   * when two packages claim one work type, the one from the earlier root wins (then `@ubom/*`).
   */
  roots?: DiscoveryRoot[];
}

const readJson = async (file: string): Promise<Record<string, unknown> | undefined> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const list = async (dir: string): Promise<string[]> => {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
};

/** Every `node_modules` folder from `start` up to the root, nearest first. */
function nodeModulesUpward(start: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(start);
  for (;;) {
    if (!dir.endsWith('/node_modules')) dirs.push(join(dir, 'node_modules'));
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

async function candidates(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await list(nodeModules)) {
    if (entry.startsWith('@')) {
      for (const sub of await list(join(nodeModules, entry))) {
        const name = `${entry}/${sub}`;
        if (isPluginPackageName(name)) names.push(name);
      }
    } else if (isPluginPackageName(entry)) names.push(entry);
  }
  return names.sort();
}

/** The string types an unusable manifest names, so messages can say which plugin claims a type. */
const declaredTypes = (raw: unknown): string[] => {
  const types = (raw as { workTypes?: unknown } | null | undefined)?.workTypes;
  return Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string' && t !== '') : [];
};

async function inspect(
  packageName: string | undefined,
  linkDir: string,
): Promise<DiscoveredPlugin | undefined> {
  const dir = await realpath(linkDir).catch(() => undefined);
  const pkg = dir && (await readJson(join(dir, 'package.json')));
  if (!dir || !pkg) return undefined;
  packageName ??= typeof pkg.name === 'string' ? pkg.name : undefined;
  if (packageName === undefined) return undefined;
  const problem = manifestProblem(pkg.ubom);
  const manifest = problem ? undefined : (pkg.ubom as PluginManifest);
  const plugin: DiscoveredPlugin = {
    packageName,
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    dir,
    workTypes: manifest?.workTypes ?? declaredTypes(pkg.ubom),
    entryPath: manifest ? join(dir, manifest.entry) : undefined,
    status: problem ? problem.status : 'available',
  };
  if (problem) plugin.reason = problem.reason;
  if (manifest) plugin.manifest = manifest;
  return plugin;
}

/**
 * Finds installed plugins by package name and reads their manifests, importing no plugin code.
 * Works with npm, pnpm (symlinked) and hoisted layouts; the nearest copy of a package wins.
 * When two packages claim one work type, the one from the earlier root wins, then `@ubom/*` over third
 * parties, then the first found; the others are listed with status `conflict` and the reason.
 */
export async function discoverPlugins(options: DiscoverOptions = {}): Promise<DiscoveredPlugin[]> {
  const found = new Map<string, DiscoveredPlugin>();
  const order = new Map<DiscoveredPlugin, number>();
  const keep = (plugin: DiscoveredPlugin | undefined, rootIndex: number, source: string | undefined) => {
    if (!plugin || found.has(plugin.packageName)) return;
    if (source !== undefined) plugin.source = source;
    found.set(plugin.packageName, plugin);
    order.set(plugin, rootIndex);
  };
  const roots: DiscoveryRoot[] = [
    ...(options.roots ?? []),
    ...(options.from ?? (options.roots ? [] : [process.cwd()])).map((path) => ({ path })),
  ];
  // roots often share their upper folders (a project and the CLI installed in it): list each once
  const visited = new Set<string>();
  for (const [index, root] of roots.entries()) {
    if (root.kind === 'package') {
      keep(await inspect(undefined, root.path), index, root.source);
      continue;
    }
    for (const nodeModules of nodeModulesUpward(root.path)) {
      if (visited.has(nodeModules)) continue;
      visited.add(nodeModules);
      const names = (await candidates(nodeModules)).filter((n) => !found.has(n));
      const inspected = await Promise.all(names.map((name) => inspect(name, join(nodeModules, name))));
      for (const plugin of inspected) keep(plugin, index, root.source);
    }
  }
  const plugins = [...found.values()];
  const owner = new Map<string, DiscoveredPlugin>();
  const rank = (p: DiscoveredPlugin): number =>
    (order.get(p) ?? 0) * 2 + (p.packageName.startsWith('@ubom/') ? 0 : 1);
  const ranked = plugins.filter((p) => p.status === 'available').sort((a, b) => rank(a) - rank(b));
  for (const plugin of ranked) {
    const taken = plugin.workTypes.filter((t) => owner.has(t));
    if (taken.length > 0) {
      plugin.status = 'conflict';
      plugin.reason = taken
        .map((t) => `type "${t}" is already served by ${owner.get(t)?.packageName}`)
        .join('; ');
    } else for (const t of plugin.workTypes) owner.set(t, plugin);
  }
  return plugins;
}
