import {
  DefaultPluginLoader,
  EnhancedWorkRegistry,
  type ExternalWorkPlugin,
  PluginError,
  type PluginFactory,
  type PluginInfo,
  suggest,
} from '@ubom/core';
import { createPlugin as createProcessPlugin } from '@ubom/executor-process';

/**
 * Which executors the CLI knows about, and how it finds them. For now: the process executor is
 * embedded, the other built-in packages are `import()`ed by name and used when they resolve. A later
 * issue replaces this file with the core's manifest-based discovery; nothing else depends on how.
 */
export const BUILTIN_EXECUTORS: Readonly<Record<string, string>> = {
  process: '@ubom/executor-process',
  docker: '@ubom/executor-docker',
  grpc: '@ubom/executor-grpc',
  serverless: '@ubom/executor-serverless',
};

const EMBEDDED: Readonly<Record<string, PluginFactory>> = { '@ubom/executor-process': createProcessPlugin };

export interface LoadedExecutor {
  packageName: string;
  types: string[];
  info: PluginInfo;
  plugin: ExternalWorkPlugin;
}

export interface MissingExecutor {
  packageName: string;
  types: string[];
  /** `not installed`, or why the installed package could not be loaded. */
  reason: string;
}

export interface Executors {
  registry: EnhancedWorkRegistry;
  loaded: LoadedExecutor[];
  missing: MissingExecutor[];
  /** Shuts every loaded plugin down; bounded, never throws. */
  shutdown(): Promise<void>;
}

const typesOf = (packageName: string): string[] =>
  Object.entries(BUILTIN_EXECUTORS)
    .filter(([, name]) => name === packageName)
    .map(([type]) => type);

/** Explains a type nobody executes: the package to install, or the closest known type. */
function missingHint(type: string): string | undefined {
  const packageName = BUILTIN_EXECUTORS[type];
  if (packageName) return `install ${packageName}`;
  const close = suggest(type, Object.keys(BUILTIN_EXECUTORS));
  if (close) return `did you mean "${close}"?`;
  return `known types: ${Object.keys(BUILTIN_EXECUTORS).join(', ')}`;
}

const isNotFound = (error: unknown, packageName: string): boolean => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(packageName)
  );
};

async function factoryFor(packageName: string): Promise<PluginFactory> {
  const embedded = EMBEDDED[packageName];
  if (embedded) return embedded;
  const mod = (await import(packageName)) as { createPlugin?: unknown; default?: { createPlugin?: unknown } };
  const create = mod.createPlugin ?? mod.default?.createPlugin;
  if (typeof create !== 'function') throw new TypeError(`${packageName} does not export createPlugin()`);
  return create as PluginFactory;
}

/**
 * Loads the executors for `types` (all built-in ones when omitted) and registers them. A package that
 * is not installed is listed in `missing`; one that is installed but broken is listed with its error.
 */
export async function loadExecutors(types?: readonly string[]): Promise<Executors> {
  const registry = new EnhancedWorkRegistry({ missingExecutorHint: missingHint });
  const loader = new DefaultPluginLoader();
  const loaded: LoadedExecutor[] = [];
  const missing: MissingExecutor[] = [];
  const wanted = types ?? Object.keys(BUILTIN_EXECUTORS);
  const packages = [...new Set(wanted.map((t) => BUILTIN_EXECUTORS[t]).filter((p) => p !== undefined))];

  for (const packageName of packages) {
    try {
      loader.registerPlugin(packageName, await factoryFor(packageName));
      const plugin = await loader.initializePlugin(packageName, {});
      const served = plugin.getSupportedTypes();
      for (const type of served) registry.registerExecutor(type, plugin);
      loaded.push({ packageName, types: served, info: plugin.getPluginInfo(), plugin });
    } catch (error) {
      if (isNotFound(error, packageName)) {
        missing.push({ packageName, types: typesOf(packageName), reason: 'not installed' });
        continue;
      }
      const failure = error instanceof PluginError ? error : new PluginError(packageName, 'load', error);
      missing.push({ packageName, types: typesOf(packageName), reason: failure.message });
      if (types) {
        await loader.shutdownAll({ timeoutMs: 5000 });
        throw failure;
      }
    }
  }
  return {
    registry,
    loaded,
    missing,
    shutdown: async () => {
      await loader.shutdownAll({ timeoutMs: 5000 });
    },
  };
}

/** The executors needed for a parsed (not yet validated) work: its own type's, or just the embedded one. */
export function loadExecutorsForWork(work: unknown): Promise<Executors> {
  const type = (work as { type?: unknown } | null)?.type;
  const wanted = typeof type === 'string' && BUILTIN_EXECUTORS[type] ? type : 'process';
  return loadExecutors([wanted]);
}
