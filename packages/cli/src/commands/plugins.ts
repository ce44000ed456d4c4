import {
  DefaultPluginLoader,
  type DiscoveredPlugin,
  loadDiscoveredPlugin,
  PluginError,
  parseDuration,
} from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT, InputError } from '../errors';
import { findPlugins } from '../executors';
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
}

const listed = (p: DiscoveredPlugin): ListedPlugin => ({
  name: p.packageName,
  version: p.version,
  types: p.workTypes,
  status: p.status,
  ...(p.reason === undefined ? {} : { reason: p.reason }),
  path: p.dir,
});

/** `ubom plugins list`: what is installed, read from package.json manifests; no plugin code is imported. */
export async function pluginsListCommand(flags: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const plugins = (await findPlugins(ctx.cwd)).map(listed);
  const { stdout } = ctx.io;
  if (flags.json) {
    stdout.write(`${JSON.stringify({ plugins }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (plugins.length === 0) {
    stdout.write(NONE_FOUND);
    return EXIT.ok;
  }
  const head = ['NAME', 'VERSION', 'TYPES', 'STATUS', 'REASON'];
  const rows = plugins.map((p) => [p.name, p.version, p.types.join(', ') || '-', p.status, p.reason ?? '']);
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

async function check(p: DiscoveredPlugin, loader: DefaultPluginLoader): Promise<Health> {
  const base = listed(p);
  if (p.status !== 'available') return { ...base, healthy: false, checked: false };
  const t0 = performance.now();
  try {
    loader.registerPlugin(p.packageName, () => loadDiscoveredPlugin(p));
    await loader.initializePlugin(p.packageName, {});
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
  const plugins = await findPlugins(ctx.cwd);
  const loader = new DefaultPluginLoader(undefined, { operationTimeoutMs: timeoutMs });
  let results: Health[];
  try {
    results = await Promise.all(plugins.map((p) => check(p, loader)));
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
