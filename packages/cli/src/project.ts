import { loadConfig, type UbomConfig } from '@ubom/core';
import type { CommandContext } from './context';
import { type Executors, openExecutors } from './executors';

/** The configuration (`--config`, `UBOM_CONFIG`, or `ubom.config.json` upward) of a command. */
export function projectConfig(ctx: CommandContext): Promise<UbomConfig> {
  return loadConfig({ cwd: ctx.cwd, file: ctx.configFile, env: ctx.io.env });
}

/** The configuration and the executors found through every discovery root (`--plugin`, the work file's folder…). */
export async function openProject(
  ctx: CommandContext,
  workFile?: string,
): Promise<{ config: UbomConfig; executors: Executors }> {
  const config = await projectConfig(ctx);
  const file = workFile === '-' ? undefined : workFile;
  const executors = await openExecutors({ cwd: ctx.cwd, plugins: ctx.plugins, workFile: file, config });
  return { config, executors };
}
