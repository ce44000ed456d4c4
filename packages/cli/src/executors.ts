import { fileURLToPath } from 'node:url';
import {
  DefaultPluginLoader,
  type DiscoveredPlugin,
  discoverPlugins,
  EnhancedWorkRegistry,
  type ExternalWorkPlugin,
  loadDiscoveredPlugin,
  PluginError,
  type PluginInfo,
  suggest,
} from '@ubom/core';

/** The built-in work types and the package that serves each: named in "install …" hints. */
export const BUILTIN_EXECUTORS: Readonly<Record<string, string>> = {
  process: '@ubom/executor-process',
  docker: '@ubom/executor-docker',
  grpc: '@ubom/executor-grpc',
  serverless: '@ubom/executor-serverless',
};

/** The CLI package folder (`dist/..`): its own dependencies, like the embedded process executor, are plugins too. */
const CLI_PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where plugins are searched: the project (`cwd`) upward first, so a project's own copy wins, then the
 * CLI's install folder upward (a global install, or pnpm's `.pnpm/@ubom+cli@…/node_modules`).
 */
export function pluginSearchRoots(cwd: string = process.cwd()): string[] {
  return [cwd, CLI_PACKAGE_DIR];
}

/** Installed plugin packages with their manifest status; imports no plugin code. */
export function findPlugins(cwd?: string): Promise<DiscoveredPlugin[]> {
  return discoverPlugins({ from: pluginSearchRoots(cwd) });
}

export interface LoadedExecutor {
  packageName: string;
  types: string[];
  info: PluginInfo;
  plugin: ExternalWorkPlugin;
}

export interface MissingExecutor {
  packageName: string;
  types: string[];
  /** `not installed`, why the manifest cannot be used, or why the package failed to load. */
  reason: string;
}

export interface Executors {
  /** Imports the plugin serving a work's type the first time a work of that type is validated or run. */
  registry: EnhancedWorkRegistry;
  /** Every plugin package found (manifests only). */
  plugins: DiscoveredPlugin[];
  /** Plugins imported and initialized so far. */
  loaded: LoadedExecutor[];
  /** Built-in packages not installed, plugins that cannot be used, plugins that failed to load. */
  missing: MissingExecutor[];
  /** Loads and registers the executor of `type` now (no-op when none serves it: the registry then explains). */
  load(type: string): Promise<void>;
  /** Loads every usable plugin; failures are recorded in `missing`, never thrown. */
  loadAll(): Promise<void>;
  /** Shuts every loaded plugin down; bounded, never throws. */
  shutdown(): Promise<void>;
}

const NAMING = 'plugins are npm packages named ubom-plugin-<name> or @<scope>/ubom-plugin-<name>';

/** Explains a type nobody executes: why an installed plugin cannot serve it, the package to install, or a close type. */
function missingHint(type: string, plugins: readonly DiscoveredPlugin[], served: Iterable<string>): string {
  const blocked = plugins.find((p) => p.status !== 'available' && p.workTypes.includes(type));
  if (blocked)
    return `${blocked.packageName} serves it but cannot be used: ${blocked.reason ?? blocked.status}`;
  const packageName = BUILTIN_EXECUTORS[type];
  if (packageName) return `install ${packageName}`;
  const known = [...new Set([...Object.keys(BUILTIN_EXECUTORS), ...[...served].sort()])];
  const close = suggest(type, known);
  if (close) return `did you mean "${close}"?`;
  return `known types: ${known.join(', ')}; ${NAMING}`;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Discovers the installed plugins (reading manifests only) and returns a registry that imports, creates
 * and initializes a plugin only when a work of one of its types is validated or run.
 */
export async function openExecutors(options: { cwd?: string } = {}): Promise<Executors> {
  const plugins = await findPlugins(options.cwd);
  const serving = new Map<string, DiscoveredPlugin>();
  for (const p of plugins) if (p.status === 'available') for (const t of p.workTypes) serving.set(t, p);

  const loader = new DefaultPluginLoader();
  const loaded: LoadedExecutor[] = [];
  const missing: MissingExecutor[] = [];
  for (const [type, packageName] of Object.entries(BUILTIN_EXECUTORS)) {
    if (!plugins.some((p) => p.packageName === packageName))
      missing.push({ packageName, types: [type], reason: 'not installed' });
  }
  for (const p of plugins) {
    if (p.status !== 'available')
      missing.push({ packageName: p.packageName, types: p.workTypes, reason: p.reason ?? p.status });
  }

  const instances = new Map<string, Promise<ExternalWorkPlugin>>();
  const instance = (p: DiscoveredPlugin): Promise<ExternalWorkPlugin> => {
    let pending = instances.get(p.packageName);
    if (!pending) {
      pending = (async () => {
        loader.registerPlugin(p.packageName, () => loadDiscoveredPlugin(p));
        const plugin = await loader.initializePlugin(p.packageName, {});
        loaded.push({
          packageName: p.packageName,
          types: plugin.getSupportedTypes(),
          info: plugin.getPluginInfo(),
          plugin,
        });
        return plugin;
      })();
      pending.catch((error: unknown) => {
        const failure = error instanceof PluginError ? error : new PluginError(p.packageName, 'load', error);
        missing.push({ packageName: p.packageName, types: p.workTypes, reason: reasonOf(failure) });
      });
      instances.set(p.packageName, pending);
    }
    return pending;
  };

  const registry = new EnhancedWorkRegistry({
    missingExecutorHint: (type) => missingHint(type, plugins, serving.keys()),
    resolveExecutor: async (type) => {
      const p = serving.get(type);
      return p ? instance(p) : undefined;
    },
  });
  const load = async (type: string): Promise<void> => {
    await registry.ensureExecutor(type);
  };

  return {
    registry,
    plugins,
    loaded,
    missing,
    load,
    loadAll: async () => {
      await Promise.all([...serving.keys()].map((type) => load(type).catch(() => undefined)));
    },
    shutdown: async () => {
      await Promise.allSettled(instances.values());
      await loader.shutdownAll({ timeoutMs: 5000 });
    },
  };
}
