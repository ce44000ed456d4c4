import { defineExecutor, parseDuration, type Work } from '@ubom/core';
import { version } from '../package.json';
import { crossFieldIssues, SCOPE, type ServerlessConfig, serverlessConfigSchema } from './config';
import { loadOptional, sdksFor } from './lazy';
import type { Outcome } from './mapping';
import { AwsDriver } from './providers/aws';
import { AzureDriver } from './providers/azure';
import { GcpDriver } from './providers/gcp';
import type { InvokeRequest, ProviderDriver, TimeLimit } from './providers/types';
import { invokedAttributes, recordInvocation } from './telemetry';

export const SERVERLESS_WORK_TYPE = 'serverless';

/** The plugin's state: one driver per provider, each with its cached SDK clients and look-ups. */
export class Drivers {
  readonly aws = new AwsDriver();
  readonly gcp = new GcpDriver();
  readonly azure = new AzureDriver();

  invoke(request: InvokeRequest<ServerlessConfig>): Promise<Outcome> {
    return (this[request.config.provider] as ProviderDriver<ServerlessConfig>).invoke(request);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.aws.close(), this.gcp.close(), this.azure.close()]);
  }
}

/** The shorter of `executor_config.timeout` (the kernel's) and `work.timeout` (the registry's). */
function timeLimit(timeoutMs: number | undefined, work: Work): TimeLimit | undefined {
  const workMs = parseDuration(work.timeout);
  if (workMs !== undefined && (timeoutMs === undefined || workMs < timeoutMs))
    return { ms: workMs, path: 'timeout' };
  return timeoutMs === undefined ? undefined : { ms: timeoutMs, path: 'executor_config.timeout' };
}

const nothing = (): void => undefined;

/**
 * Invokes AWS Lambda, Google Cloud Functions and Azure Functions. Each provider's SDK is an optional
 * peer dependency, imported the first time a work needs it; clients are cached and reused.
 */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-serverless',
  version,
  type: SERVERLESS_WORK_TYPE,
  scope: SCOPE,
  description: 'Invokes a cloud function: AWS Lambda, Google Cloud Functions, Azure Functions',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-serverless',
  config: serverlessConfigSchema,
  schemaVersion: version,
  // Lambda hands its log tail back with the answer; HTTP functions return none
  capabilities: { streamLogs: false },
  setup: () => new Drivers(),
  teardown: (drivers) => drivers.close(),
  validate: ({ config }) => crossFieldIssues(config),

  /** The SDKs are installed and the function can be called: resolved, credentials obtained, nothing run. */
  async dryRun({ config, work, state, signal, timeoutMs }) {
    for (const sdk of sdksFor(config)) await loadOptional(sdk, config.provider);
    const outcome = await state.invoke({
      config,
      payload: {},
      signal: signal ?? new AbortController().signal,
      limit: timeLimit(timeoutMs, work),
      dryRun: true,
      log: nothing,
      secret: nothing,
      mask: (value) => value,
      trace: {},
    });
    return outcome.outputs;
  },

  run({ config, work, state, signal, timeoutMs, log, secret, mask, span, traceCarrier }) {
    const attributes = invokedAttributes(config);
    return span(`${config.function} invoke`, attributes, async (s) => {
      const outcome = await state.invoke({
        config,
        payload: config.payload !== undefined ? config.payload : (work.inputs ?? {}),
        signal,
        limit: timeLimit(timeoutMs, work),
        dryRun: false,
        log,
        secret,
        mask,
        trace: traceCarrier(),
      });
      recordInvocation(s, outcome, attributes);
      return outcome;
    });
  },
});

/** A serverless plugin, as `createPlugin()` makes it (`plugin.state` holds its provider drivers). */
export type ServerlessExecutor = ReturnType<typeof createPlugin>;

/** JSON Schema (draft 2020-12) of `executor_config`, `timeout` included; secrets carry `writeOnly: true`. */
export const serverlessConfigJsonSchema = createPlugin().getSchema().config as Record<string, unknown>;
