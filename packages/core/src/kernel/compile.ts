import { compileSecretExtractor, type SecretExtractor } from '../secrets/secret-plan';
import { API_VERSION, type PluginInfo, type WorkMetadata, type WorkSchema, type WorkType } from '../types';
import { type CompiledSchema, type ConfigOf, type ConfigSchema, compileSchema } from './schema';
import type { ExecutorSpec } from './spec';
import { withKernelKeys } from './timeout';

/** The shared parts of every plugin `defineExecutor` makes (schemas compiled once per spec). */
export interface Compiled<C, P> {
  config: CompiledSchema<C>;
  plugin: CompiledSchema<P> | undefined;
  schema: WorkSchema;
  secrets: SecretExtractor | undefined;
  info: PluginInfo;
  metadata: WorkMetadata;
  types: readonly WorkType[];
  scope: string;
}

export function compileSpec<CS extends ConfigSchema, PS extends ConfigSchema, S>(
  spec: ExecutorSpec<CS, PS, S>,
): Compiled<ConfigOf<CS>, ConfigOf<PS>> {
  const types = spec.types ?? (spec.type === undefined ? [] : [spec.type]);
  const type = types[0];
  if (type === undefined)
    throw new TypeError(`[ubom] defineExecutor(${spec.name}): give \`type\` or \`types\``);
  const config = compileSchema<ConfigOf<CS>>(spec.config, withKernelKeys);
  const json = config.json;
  const schema: WorkSchema = { type, version: spec.schemaVersion ?? '1.0.0', config: json };
  if (spec.inputs) schema.inputs = spec.inputs;
  if (spec.outputs) schema.outputs = spec.outputs;
  const info: PluginInfo = { name: spec.name, version: spec.version, apiVersion: API_VERSION };
  if (spec.description) info.description = spec.description;
  if (spec.author) info.author = spec.author;
  if (spec.homepage) info.homepage = spec.homepage;
  return {
    config,
    plugin: spec.pluginConfig && compileSchema<ConfigOf<PS>>(spec.pluginConfig),
    schema,
    secrets: compileSecretExtractor(json),
    info,
    metadata: {
      name: type,
      description: spec.description,
      version: spec.version,
      capabilities: {
        cancel: true,
        streamLogs: true,
        dryRun: spec.dryRun !== undefined,
        ...spec.capabilities,
      },
    },
    types,
    scope: spec.scope ?? type,
  };
}
