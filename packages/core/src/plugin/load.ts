import { pathToFileURL } from 'node:url';
import { PluginError } from '../errors';
import type { ExternalWorkPlugin } from '../types';
import type { DiscoveredPlugin } from './discovery';

/**
 * Imports a discovered plugin and creates it with its `createPlugin()` export. Throws `PluginError`
 * (operation `load`) when the module does not load, does not export `createPlugin`, or serves other
 * types than its manifest says. The plugin is not initialized.
 */
export async function loadDiscoveredPlugin(plugin: DiscoveredPlugin): Promise<ExternalWorkPlugin> {
  const fail = (reason: string, cause?: unknown): PluginError =>
    new PluginError(plugin.packageName, 'load', cause ?? new Error(reason));
  if (plugin.status !== 'available' || !plugin.entryPath)
    throw fail(plugin.reason ?? `status ${plugin.status}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(plugin.entryPath).href)) as Record<string, unknown>;
  } catch (cause) {
    throw fail('the module did not load', cause);
  }
  const create = mod.createPlugin ?? (mod.default as Record<string, unknown> | undefined)?.createPlugin;
  if (typeof create !== 'function') throw fail(`${plugin.entryPath} does not export createPlugin()`);
  let instance: ExternalWorkPlugin;
  try {
    instance = (await create()) as ExternalWorkPlugin;
  } catch (cause) {
    throw fail('createPlugin() threw', cause);
  }
  const served = [...instance.getSupportedTypes()].sort();
  const declared = [...plugin.workTypes].sort();
  if (served.join(',') !== declared.join(',')) {
    throw fail(
      `its manifest declares types [${declared.join(', ')}] but the plugin serves [${served.join(', ')}]`,
    );
  }
  return instance;
}
