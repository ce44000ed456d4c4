import { compileSpec } from './compile';
import { KernelPlugin } from './plugin';
import type { ConfigOf, ConfigSchema } from './schema';
import type { ExecutorSpec } from './spec';

/**
 * Defines an executor from what is particular to it: its identity, its config schema and what one run
 * does. Returns the package's `createPlugin` factory; each call makes a new plugin instance.
 *
 * ```ts
 * export const createPlugin = defineExecutor({
 *   name: 'ubom-plugin-echo', version: '1.0.0', type: 'echo', description: 'Echoes its input',
 *   config: z.object({ text: z.string() }).strict(),
 *   async run({ config, log }) {
 *     log('info', `echo ${config.text}`);
 *     return { outputs: { text: config.text } };
 *   },
 * });
 * ```
 */
export function defineExecutor<
  CS extends ConfigSchema,
  PS extends ConfigSchema = ConfigSchema,
  S = undefined,
>(spec: ExecutorSpec<CS, PS, S>): () => KernelPlugin<ConfigOf<CS>, S, ConfigOf<PS>> {
  const compiled = compileSpec(spec);
  const general = spec as unknown as ExecutorSpec<ConfigSchema, ConfigSchema, S>;
  return () => new KernelPlugin<ConfigOf<CS>, S, ConfigOf<PS>>(general, compiled);
}
