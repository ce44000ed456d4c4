import { defineExecutor, type RunOutcome, throwIfAborted, timeoutOf } from '@ubom/core';
import { version } from '../package.json';
import { exchange } from './call';
import { crossFieldIssues, grpcConfigSchema, SCOPE } from './config';
import type { ResolvedMethod } from './descriptors';
import { dryRun } from './dry-run';
import { checkTargets } from './health';
import { noCallOutcome, OUTPUTS_SCHEMA, toOutcome } from './mapping';
import { grpcPluginConfigSchema } from './plugin-config';
import { buildMetadata, deadlineAfter, encodeRequests, preview } from './request';
import { ReflectionRefused } from './sources';
import { GrpcState } from './state';
import { callAttributes, recordCall, withTraceContext } from './telemetry';

export const GRPC_WORK_TYPE = 'grpc';

/**
 * The gRPC deadline is set this long after the kernel's own timer for `executor_config.timeout`, so that
 * the kernel's timeout always fires first and a timeout always ends the same way ("timed out after …",
 * `outputs.code` DEADLINE_EXCEEDED), whichever timer the event loop would have run first.
 */
const DEADLINE_AFTER_KERNEL_MS = 20;

/** Calls any gRPC method by name: descriptors from server reflection, proto files or a descriptor set. */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-grpc',
  version,
  type: GRPC_WORK_TYPE,
  scope: SCOPE,
  description: 'Unary and streaming calls to any gRPC service, no generated code',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-grpc',
  config: grpcConfigSchema,
  outputs: OUTPUTS_SCHEMA,
  pluginConfig: grpcPluginConfigSchema,
  capabilities: { retries: true },
  setup: ({ config }) => new GrpcState(config),
  teardown: (state) => state.close(),
  health: checkTargets,
  validate: ({ config }) => crossFieldIssues(config),
  dryRun,

  async run({ config, work, state, signal, timeoutMs, log, secret, mask, span, traceCarrier }) {
    const attributes = callAttributes(config.method, config.endpoint);
    return span(config.method, attributes, async (s) => {
      const recorded = (outcome: RunOutcome): RunOutcome => {
        recordCall(s, outcome, attributes);
        return outcome;
      };
      const lease = await state.lease(config);
      try {
        const metadata = buildMetadata(config.metadata, secret);
        withTraceContext(metadata, traceCarrier());
        const deadline =
          timeoutMs === undefined ? undefined : deadlineAfter(timeoutMs + DEADLINE_AFTER_KERNEL_MS);
        let method: ResolvedMethod;
        try {
          method = await state.method(config, lease, metadata, deadline, signal);
        } catch (error) {
          if (error instanceof ReflectionRefused) return recorded(noCallOutcome(config, error));
          if (timeoutOf(signal.reason) !== undefined) return recorded(noCallOutcome(config, undefined));
          throw error;
        }
        const requests = encodeRequests(method, config, work);
        throwIfAborted(signal, SCOPE);
        const done = await exchange({
          client: lease.client,
          method,
          requests,
          metadata,
          deadline,
          signal,
          // masked before it becomes JSON text: a secret's JSON-escaped form is escaped twice there, and
          // the preview's cut can split a form; the log's own masking recognises neither
          onResponse: method.responseStream
            ? (message) => log('info', preview(mask(message)), 'stdout')
            : undefined,
        });
        // cancelled or shut down: the kernel rejects with AbortError whatever this returns
        const timedOut = done.status.aborted && timeoutOf(signal.reason) !== undefined;
        return recorded(
          toOutcome({ method, endpoint: config.endpoint, exchange: done, sent: requests.length, timedOut }),
        );
      } finally {
        state.pool.release(lease);
      }
    });
  },
});

/** A grpc plugin, as `createPlugin()` makes it (`plugin.state` is its `GrpcState`). */
export type GrpcExecutor = ReturnType<typeof createPlugin>;
