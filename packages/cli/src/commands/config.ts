import { compileSecretExtractor, loadDiscoveredPlugin, Masker } from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT } from '../errors';
import { openProject } from '../project';

/**
 * `ubom config`: the effective configuration — the file it came from, the plugin sections (with
 * `${env:…}` replaced and every secret field of a plugin's schema masked), plugin paths, secret
 * providers and defaults.
 */
export async function configCommand(flags: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const { config, executors } = await openProject(ctx);
  try {
    const secrets: string[] = [];
    for (const [name, section] of Object.entries(config.plugins)) {
      const plugin = executors.plugins.find((p) => p.packageName === name && p.status === 'available');
      if (!plugin) continue;
      const created = (await loadDiscoveredPlugin(plugin)) as { getPluginConfigSchema?: () => unknown };
      const schema = created.getPluginConfigSchema?.();
      secrets.push(...(compileSecretExtractor(schema as never)?.(section) ?? []));
    }
    const shown = Masker.of(secrets).deep({ file: config.path ?? null, ...config, path: undefined });
    const text = JSON.stringify(shown, null, 2);
    ctx.io.stdout.write(
      flags.json || config.path ? `${text}\n` : `${text}\n(no ubom.config.json found: defaults)\n`,
    );
    return EXIT.ok;
  } finally {
    await executors.shutdown();
  }
}
