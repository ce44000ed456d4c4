import {
  DefaultPluginLoader,
  type DiscoveredPlugin,
  loadDiscoveredPlugin,
  PluginError,
  parseDuration,
  type UbomConfig,
} from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT, InputError } from '../errors';
import { findPlugins } from '../executors';
import { projectConfig } from '../project';
import { paletteFor, table } from '../render';

const NONE_FOUND =
  'no plugins found: plugins are installed npm packages named @ubom/executor-*, ubom-plugin-* or @<scope>/ubom-plugin-*,\n' +
  'searched in node_modules folders from the current folder upward and from where ubom is installed\n';

interface ListedPlugin {
  name: string;
  version: string;
  types: string[];
  status: DiscoveredPlugin['status'];
  reason?: string;
  path: string;
  /** The discovery root it came from (`--plugin`, `current package`, `current folder`…). */
  source: string;
  /** Whether the configuration has a section for it. */
  configured: boolean;
}

const listed = (p: DiscoveredPlugin, config: UbomConfig): ListedPlugin => ({
  name: p.packageName,
  version: p.version,
  types: p.workTypes,
  status: p.status,
  ...(p.reason === undefined ? {} : { reason: p.reason }),
  path: p.dir,
  source: p.source ?? 'current folder',
  configured: Object.hasOwn(config.plugins, p.packageName),
});

/** The plugins every discovery root finds, with the configuration that names their sections. */
async function pluginsOf(ctx: CommandContext): Promise<{ plugins: DiscoveredPlugin[]; config: UbomConfig }> {
  const config = await projectConfig(ctx);
  const plugins = await findPlugins({ cwd: ctx.cwd, plugins: ctx.plugins, pluginPaths: config.plugin_paths });
  return { plugins, config };
}

/** `ubom plugins list`: what is installed, read from package.json manifests; no plugin code is imported. */
export async function pluginsListCommand(flags: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const found = await pluginsOf(ctx);
  const plugins = found.plugins.map((p) => listed(p, found.config));
  const { stdout } = ctx.io;
  if (flags.json) {
    stdout.write(`${JSON.stringify({ plugins }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (plugins.length === 0) {
    stdout.write(NONE_FOUND);
    return EXIT.ok;
  }
  const head = ['NAME', 'VERSION', 'TYPES', 'STATUS', 'SOURCE', 'CONFIG', 'REASON'];
  const rows = plugins.map((p) => [
    p.name,
    p.version,
    p.types.join(', ') || '-',
    p.status,
    p.source,
    p.configured ? 'yes' : '-',
    p.reason ?? '',
  ]);
  stdout.write(`${table([head, ...rows])}\n`);
  return EXIT.ok;
}

export interface HealthFlags {
  json?: boolean;
  timeout?: string;
}

interface Health extends ListedPlugin {
  healthy: boolean;
  /** False for plugins whose manifest already rules them out (not imported). */
  checked: boolean;
  durationMs?: number;
}

async function check(p: DiscoveredPlugin, loader: DefaultPluginLoader, config: UbomConfig): Promise<Health> {
  const base = listed(p, config);
  if (p.status !== 'available') return { ...base, healthy: false, checked: false };
  const t0 = performance.now();
  try {
    loader.registerPlugin(p.packageName, () => loadDiscoveredPlugin(p));
    await loader.initializePlugin(p.packageName, config.plugins[p.packageName] ?? {});
    await loader.healthCheck(p.packageName);
    return { ...base, healthy: true, checked: true, durationMs: Math.round(performance.now() - t0) };
  } catch (error) {
    const failure =
      error instanceof PluginError ? error : new PluginError(p.packageName, 'healthCheck', error);
    return {
      ...base,
      reason: failure.message.replace(/^\[ubom\] /, ''), // one report line per plugin: no prefix on each
      healthy: false,
      checked: true,
      durationMs: Math.round(performance.now() - t0),
    };
  }
}

/**
 * `ubom plugins health`: imports, creates, initializes and health-checks every usable plugin, all at
 * once, each step bounded by `--timeout`; then shuts them down. Exit 1 when any plugin is not healthy.
 */
export async function pluginsHealthCommand(flags: HealthFlags, ctx: CommandContext): Promise<number> {
  const timeoutMs = parseDuration(flags.timeout ?? '10s');
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new InputError(`--timeout must be a duration like 10s or 500ms, got "${flags.timeout}"`);
  }
  const { plugins, config } = await pluginsOf(ctx);
  const loader = new DefaultPluginLoader(undefined, { operationTimeoutMs: timeoutMs });
  let results: Health[];
  try {
    results = await Promise.all(plugins.map((p) => check(p, loader, config)));
  } finally {
    await loader.shutdownAll({ timeoutMs });
  }
  const { stdout } = ctx.io;
  const healthy = results.every((r) => r.healthy);
  if (flags.json) {
    stdout.write(`${JSON.stringify({ healthy, plugins: results }, null, 2)}\n`);
  } else if (results.length === 0) {
    stdout.write(NONE_FOUND);
  } else {
    const p = paletteFor(stdout, ctx.io.env);
    for (const r of results) {
      const mark = r.healthy ? p.green('ok  ') : r.checked ? p.red('FAIL') : p.yellow('SKIP');
      const what = `${r.name}@${r.version} (${r.types.join(', ') || 'no types'})`;
      const detail = r.healthy
        ? p.dim(`${r.durationMs} ms`)
        : r.checked
          ? (r.reason ?? 'unhealthy')
          : `${r.status}: ${r.reason ?? ''}`;
      stdout.write(`${mark}  ${what}  ${detail}\n`);
    }
  }
  return healthy ? EXIT.ok : EXIT.failed;
}
