import type { ConfigInputOf } from '@ubom/core';
import type { dockerConfigSchema } from './config';

export { splitArgs } from './argv';
export {
  DOCKER_OUTPUTS_SCHEMA,
  type DockerConfig,
  type DockerConfigInput,
  dockerConfigSchema,
} from './config';
export { LABELS, managedLabels, ownerId } from './container';
export { createEngine, type Engine, engineOptions } from './engine';
/** The plugin entry point the loader calls; `plugin.state` (a `DockerState`) has `idle()` & co. */
export { createPlugin, DOCKER_WORK_TYPE, type DockerExecutor } from './executor';
export { Demuxer } from './logs';
export {
  type DockerPluginConfig,
  type DockerPluginConfigInput,
  dockerPluginConfigSchema,
} from './plugin-config';
export { DockerState } from './state';
export { sweepOrphans } from './sweep';

/** `docker` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    docker: ConfigInputOf<typeof dockerConfigSchema>;
  }
}
