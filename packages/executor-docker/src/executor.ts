import { defineExecutor } from '@ubom/core';
import { version } from '../package.json';
import { DOCKER_OUTPUTS_SCHEMA, dockerConfigSchema } from './config';
import { pingEngine } from './engine';
import { imageExists, imageMissing, imageReference } from './image';
import { toRunOutcome } from './mapping';
import { dockerPluginConfigSchema } from './plugin-config';
import { runContainer } from './run';
import { checkMounts } from './safety';
import { openState } from './state';
import { imageAttributes, pullDuration } from './telemetry';

export const DOCKER_WORK_TYPE = 'docker';

/** Runs works as containers on a Docker Engine (local socket or remote over TLS); nothing outlives a work. */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-docker',
  version,
  type: DOCKER_WORK_TYPE,
  description: 'Runs works as containers on a Docker Engine',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-docker',
  config: dockerConfigSchema,
  outputs: DOCKER_OUTPUTS_SCHEMA,
  pluginConfig: dockerPluginConfigSchema,
  capabilities: { remote: true },

  // the engine client, pinged, after the orphan sweep; `teardown` runs once every work has settled
  setup: ({ config }) => openState(config),
  teardown: (state) => state.close(),
  health: (state) => pingEngine(state.engine),

  // mount safety: what the schema cannot say (`/`, the Docker socket, allowed_host_paths)
  validate: ({ config, state }) => checkMounts(config, state.mountRules),

  // is the image there? (`pull_policy: never` refuses a missing one; execute refuses it the same way)
  async dryRun({ config, state, signal }) {
    const present = await imageExists(state.engine, config.image, signal);
    if (!present && config.pull_policy === 'never') throw imageMissing(config);
    return { image: imageReference(config.image), present };
  },

  // (pull,) create, attach, start, wait or stop on abort, read, remove: see run.ts; one CLIENT span
  async run(ctx) {
    const image = imageAttributes(ctx.config.image);
    return ctx.span('docker run', image, async (span) => {
      const outcome = await runContainer(ctx, span);
      if (outcome.timings.pullMs > 0) pullDuration.record(outcome.timings.pullMs / 1000, image);
      span.setAttributes({ 'container.image.id': outcome.imageId, 'process.exit.code': outcome.exitCode });
      const result = toRunOutcome(outcome, ctx.config);
      if (result.success === false) span.fail(result.error ?? 'the container failed');
      return result;
    });
  },
});

/** The plugin `createPlugin()` makes; `plugin.state` is its `DockerState` once set up. */
export type DockerExecutor = ReturnType<typeof createPlugin>;
