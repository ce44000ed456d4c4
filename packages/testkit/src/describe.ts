import type { EnhancedWorkExecutor } from '@ubom/core';
import { afterAll, describe } from 'vitest';
import { createSuiteContext, defaultDestroy } from './context';
import { cancelGroup } from './groups/cancel';
import { invalidGroup } from './groups/invalid';
import { logsGroup } from './groups/logs';
import { runGroup } from './groups/run';
import { schemaGroup } from './groups/schema';
import { secretsGroup } from './groups/secrets';
import { shutdownGroup } from './groups/shutdown';
import { timeoutGroup } from './groups/timeout';
import { typesGroup } from './groups/types';
import type { ExecutorConformanceOptions } from './types';

/**
 * Registers the UBOM executor conformance suite (vitest `describe`/`it` blocks) for one executor.
 * Groups the executor cannot pass by design are switched off by its declared capabilities
 * (`cancel` → cancel, own-timeout and shutdown groups, `streamLogs` → live log group) or by
 * `options.skip`; switched-off groups show as skipped, with the reason in their title.
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
    const hasShutdown = typeof (executor as { shutdown?: unknown }).shutdown === 'function';

    schemaGroup(ctx, skip.schema === true);
    typesGroup(ctx, skip.types === true);
    runGroup(ctx, skip.run === true);
    invalidGroup(ctx, skip.invalid === true);
    logsGroup(ctx, skip.logs === true || !capabilities.streamLogs);
    cancelGroup(ctx, skip.cancel === true || !capabilities.cancel);
    timeoutGroup(ctx, skip.timeout === true || !capabilities.cancel);
    secretsGroup(ctx, skip.secrets === true || !options.works.withSecret);
    // last: it shuts the executor down (a plugin is usable again after shutdown, or the suite ends)
    shutdownGroup(ctx, skip.shutdown === true || !capabilities.cancel || !hasShutdown);
  });
}
