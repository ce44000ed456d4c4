import { createHmac } from 'node:crypto';
import { defineExecutor, formatDuration, sleep } from '@ubom/core';
import { description, name, version } from '../package.json';
import { configSchema, MAX_RUN_MS } from './config';
import { transformMessage } from './transform';

/** The work type this plugin serves; it must match `ubom.workTypes` in package.json. */
export const WORK_TYPE = 'UBOM_WORK_TYPE';

/**
 * Prints a message a few times with a pause between lines. Stands in for real work (a call to a
 * service, a job on a cluster): the shape stays the same. UBOM's kernel does the rest: it parses the
 * config, masks secrets, numbers and streams the log, enforces `timeout`, and stops running works on
 * cancel and shutdown through `signal`.
 */
export const createPlugin = defineExecutor({
  name,
  version,
  description,
  type: WORK_TYPE,
  config: configSchema,

  /** Rules the schema cannot express, checked before anything runs. */
  validate: ({ config }) => {
    const runMs = (config.repeat - 1) * config.delay;
    if (runMs <= MAX_RUN_MS) return undefined;
    const message = `repeat × delay must stay under ${formatDuration(MAX_RUN_MS)}, got ${formatDuration(runMs)}`;
    return [{ path: 'executor_config.repeat', message }];
  },

  async run({ config, log, signal }) {
    const line = transformMessage(config.message, config.transform);
    log('info', `printing ${config.repeat} line(s), ${formatDuration(config.delay)} apart`);
    for (let n = 1; n <= config.repeat; n++) {
      if (n > 1) await sleep(config.delay, signal); // rejects at once when the work is stopped
      log('info', line, 'stdout', { line: n });
    }
    const outputs: Record<string, unknown> = { message: line, lines: config.repeat };
    if (config.token !== undefined)
      outputs.signature = createHmac('sha256', config.token).update(line).digest('hex');
    return { outputs };
  },
});

/** The plugin `createPlugin()` makes. */
export type UbomTemplateExecutor = ReturnType<typeof createPlugin>;
