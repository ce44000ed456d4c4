import { fileURLToPath } from 'node:url';
import {
  type DiscoveredPlugin,
  discoverPlugins,
  type EnhancedWorkRegistry,
  type ExternalWorkPlugin,
  openDiscoveredExecutors,
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

/**
 * Discovers the installed plugins (reading manifests only) and returns a registry that imports, creates
 * and initializes a plugin only when a work of one of its types is validated or run (core's
 * `openDiscoveredExecutors`, the same wiring as queue workers).
 */
export async function openExecutors(options: { cwd?: string } = {}): Promise<Executors> {
  const opened = await openDiscoveredExecutors({
    from: pluginSearchRoots(options.cwd),
    missingExecutorHint: (type, plugins) => missingHint(type, plugins, opened.serving.keys()),
  });
  const { registry, loader, plugins, serving, failures } = opened;
  const absent: MissingExecutor[] = [];
  for (const [type, packageName] of Object.entries(BUILTIN_EXECUTORS)) {
    if (!plugins.some((p) => p.packageName === packageName))
      absent.push({ packageName, types: [type], reason: 'not installed' });
  }
  for (const p of plugins) {
    if (p.status !== 'available')
      absent.push({ packageName: p.packageName, types: p.workTypes, reason: p.reason ?? p.status });
  }
  const load = async (type: string): Promise<void> => {
    await registry.ensureExecutor(type);
  };
  return {
    registry,
    plugins,
    get loaded(): LoadedExecutor[] {
      return loader
        .listPlugins()
        .filter((p) => p.initialized)
        .map(({ name }) => {
          const plugin = loader.getPlugin(name);
          return {
            packageName: name,
            types: plugin.getSupportedTypes(),
            info: plugin.getPluginInfo(),
            plugin,
          };
        });
    },
    get missing(): MissingExecutor[] {
      const failed = [...failures].map(([packageName, error]) => ({
        packageName,
        types: plugins.find((p) => p.packageName === packageName)?.workTypes ?? [],
        reason: error.message,
      }));
      return [...absent, ...failed];
    },
    load,
    loadAll: async () => {
      await Promise.all([...serving.keys()].map((type) => load(type).catch(() => undefined)));
    },
    shutdown: async () => {
      await opened.shutdown({ timeoutMs: 5000 });
    },
  };
}
