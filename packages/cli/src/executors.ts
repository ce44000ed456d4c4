import {
  type DiscoveredPlugin,
  discoverPlugins,
  type EnhancedWorkRegistry,
  type ExternalWorkPlugin,
  type JSONSchema,
  loadDiscoveredPlugin,
  openDiscoveredExecutors,
  type PluginInfo,
  pluginConfigIssues,
  secretProvidersOf,
  suggest,
  type UbomConfig,
  ValidationError,
  type WorkSchema,
} from '@ubom/core';
import { describeRoots, discoveryRoots, type RootsOptions } from './roots';

/** The built-in work types and the package that serves each: named in "install …" hints. */
export const BUILTIN_EXECUTORS: Readonly<Record<string, string>> = {
  process: '@ubom/executor-process',
  docker: '@ubom/executor-docker',
  grpc: '@ubom/executor-grpc',
  serverless: '@ubom/executor-serverless',
  http: '@ubom/executor-http',
  ssh: '@ubom/executor-ssh',
};

/** Installed plugin packages with their manifest status and source; imports no plugin code. */
export function findPlugins(options: RootsOptions): Promise<DiscoveredPlugin[]> {
  return discoverPlugins({ roots: discoveryRoots(options) });
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
  /** The work types an available plugin serves (manifests only). */
  servedTypes(): string[];
  /**
   * The schema of `type` from its plugin, imported and created but not initialized: nothing is asked
   * of the backend (no engine, host or account needed). Throws the registry's `NotFoundError`, with its
   * hint ("did you mean", "install …"), when no plugin serves `type`.
   */
  schemaOf(type: string): Promise<WorkSchema>;
  /** Shuts every loaded plugin down; bounded, never throws. */
  shutdown(): Promise<void>;
}

const NAMING = 'plugins are npm packages named ubom-plugin-<name> or @<scope>/ubom-plugin-<name>';

/** Explains a type nobody executes: why an installed plugin cannot serve it, the package to install, or a close type. */
function missingHint(
  type: string,
  plugins: readonly DiscoveredPlugin[],
  served: Iterable<string>,
  searched: string,
): string {
  const blocked = plugins.find((p) => p.status !== 'available' && p.workTypes.includes(type));
  if (blocked)
    return `${blocked.packageName} serves it but cannot be used: ${blocked.reason ?? blocked.status}`;
  const packageName = BUILTIN_EXECUTORS[type];
  if (packageName) return `install ${packageName} (searched: ${searched})`;
  const known = [...new Set([...Object.keys(BUILTIN_EXECUTORS), ...[...served].sort()])];
  const close = suggest(type, known);
  if (close) return `did you mean "${close}"?`;
  return `known types: ${known.join(', ')}; ${NAMING} (searched: ${searched})`;
}

export interface OpenOptions extends Omit<RootsOptions, 'pluginPaths'> {
  /** The configuration (`loadConfig`): plugin sections, plugin_paths and secret providers. */
  config?: UbomConfig | undefined;
}

/**
 * Checks the configuration's plugin sections against each configured plugin's own schema (imports
 * those plugins, no others): every problem at once, as a `ValidationError` (exit 2, no work runs).
 */
async function checkPluginSections(config: UbomConfig, plugins: readonly DiscoveredPlugin[]): Promise<void> {
  const names = Object.keys(config.plugins);
  if (names.length === 0) return;
  const schemas = new Map<string, JSONSchema | undefined>();
  for (const p of plugins) if (p.status === 'available') schemas.set(p.packageName, undefined);
  await Promise.all(
    names
      .filter((name) => schemas.has(name))
      .map(async (name) => {
        const plugin = plugins.find((p) => p.packageName === name) as DiscoveredPlugin;
        const instance = await loadDiscoveredPlugin(plugin);
        schemas.set(
          name,
          (instance as { getPluginConfigSchema?: () => JSONSchema | undefined }).getPluginConfigSchema?.(),
        );
      }),
  );
  const issues = pluginConfigIssues(config, schemas);
  if (issues.length > 0)
    throw new ValidationError(issues, {
      scope: 'config',
      subject: `configuration ${config.path ?? ''}`.trim(),
    });
}

/**
 * Discovers the plugins (reading manifests only, through the roots of `discoveryRoots`) and returns a
 * registry that imports, creates and initializes a plugin (with its configuration section) only when
 * a work of one of its types is validated or run: core's `openDiscoveredExecutors`, the wiring queue
 * workers use too. Secret references resolve through the configuration's providers.
 */
export async function openExecutors(options: OpenOptions): Promise<Executors> {
  const config = options.config;
  const roots = discoveryRoots({ ...options, pluginPaths: config?.plugin_paths ?? [] });
  const opened = await openDiscoveredExecutors({
    roots,
    pluginConfig: (name) => config?.plugins[name],
    secrets: config ? secretProvidersOf(config) : [],
    missingExecutorHint: (type, plugins) =>
      missingHint(type, plugins, opened.serving.keys(), describeRoots(roots)),
  });
  const { registry, loader, plugins, serving, failures } = opened;
  if (config) await checkPluginSections(config, plugins);
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
    servedTypes: () => [...serving.keys()],
    schemaOf: async (type) => {
      const plugin = serving.get(type);
      if (!plugin) return registry.getSchema(type); // throws NOT_FOUND with the hint
      if (registry.hasExecutor(type)) return registry.getSchema(type);
      return (await loadDiscoveredPlugin(plugin)).getSchema();
    },
    shutdown: async () => {
      await opened.shutdown({ timeoutMs: 5000 });
    },
  };
}
