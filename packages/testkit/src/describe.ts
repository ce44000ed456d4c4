import type { EnhancedWorkExecutor } from '@ubom/core';
import { afterAll, describe } from 'vitest';
import { createSuiteContext, defaultDestroy } from './context';
import { cancelGroup } from './groups/cancel';
import { invalidGroup } from './groups/invalid';
import { logsGroup } from './groups/logs';
import { runGroup } from './groups/run';
import { schemaGroup } from './groups/schema';
import { secretsGroup } from './groups/secrets';
import { timeoutGroup } from './groups/timeout';
import { typesGroup } from './groups/types';
import type { ExecutorConformanceOptions } from './types';

/**
 * Registers the UBOM executor conformance suite (vitest `describe`/`it` blocks) for one executor.
 * Groups the executor cannot pass by design are switched off by its declared capabilities
 * (`cancel` → cancel and own-timeout groups, `streamLogs` → live log group) or by `options.skip`;
 * switched-off groups are not registered at all (nothing shows as skipped).
 */
export function describeExecutorConformance<E extends EnhancedWorkExecutor>(
  options: ExecutorConformanceOptions<E>,
): void {
  describe(`executor conformance: ${options.name}`, async () => {
    const executor = await options.createExecutor();
    afterAll(async () => {
      await (options.destroyExecutor ? options.destroyExecutor(executor) : defaultDestroy(executor));
    });
    const ctx = createSuiteContext(options, executor);
    const { capabilities } = ctx.metadata;
    const skip = options.skip ?? {};

    if (!skip.schema) schemaGroup(ctx);
    if (!skip.types) typesGroup(ctx);
    if (!skip.run) runGroup(ctx);
    if (!skip.invalid && options.invalidConfigs.length > 0) invalidGroup(ctx);
    if (!skip.logs && capabilities.streamLogs) logsGroup(ctx);
    if (!skip.cancel && capabilities.cancel) cancelGroup(ctx);
    if (!skip.timeout && capabilities.cancel) timeoutGroup(ctx);
    if (!skip.secrets && options.works.withSecret) secretsGroup(ctx);
  });
}
