import { DockerExecutor } from './executor';

export { splitArgs } from './argv';
export {
  DOCKER_OUTPUTS_SCHEMA,
  type DockerConfig,
  type DockerConfigInput,
  dockerConfigJsonSchema,
  dockerConfigSchema,
} from './config';
export { LABELS, managedLabels, ownerId } from './container';
export { createEngine, type Engine, engineOptions } from './engine';
export { DOCKER_WORK_TYPE, DockerExecutor } from './executor';
export { Demuxer } from './logs';
export {
  type DockerPluginConfig,
  type DockerPluginConfigInput,
  dockerPluginConfigSchema,
  parsePluginConfig,
} from './plugin-config';
export { sweepOrphans } from './sweep';

/** The plugin entry point the loader calls (a `DockerExecutor`, so `idle()` is in reach). */
export function createPlugin(): DockerExecutor {
  return new DockerExecutor();
}
