import {
  abortErrorFrom,
  BasePlugin,
  type ExecuteOptions,
  formatDuration,
  LogCollector,
  MetricsClock,
  parseDuration,
  TimeoutError,
  type Work,
  type WorkContext,
  type WorkResult,
} from '@ubom/core';
import { version } from '../package.json';
import { type Provider, type ServerlessConfig, serverlessConfigJsonSchema } from './config';
import { loadOptional, sdksFor } from './lazy';
import { configSecrets, parseConfig } from './parse';
import { AwsDriver, resolveRegion } from './providers/aws';
import { AzureDriver } from './providers/azure';
import { GcpDriver } from './providers/gcp';
import { MAX_TIMER_MS, type ProviderDriver } from './providers/types';
import { timedOutResult, toWorkResult } from './result';
import { SecretBook } from './secrets';

export const DEFAULT_TIMEOUT_MS = 30_000;
const scope = 'serverless';

type Drivers = { [P in Provider]: ProviderDriver<Extract<ServerlessConfig, { provider: P }>> };
const DRIVERS: { [P in Provider]: () => Drivers[P] } = {
  aws: () => new AwsDriver(),
  gcp: () => new GcpDriver(),
  azure: () => new AzureDriver(),
};

/**
 * Invokes AWS Lambda, Google Cloud Functions and Azure Functions. Each provider's SDK is an optional
 * peer dependency, imported the first time a work needs it; clients are cached and reused.
 */
export class ServerlessExecutor extends BasePlugin {
  readonly #drivers = new Map<Provider, ProviderDriver<ServerlessConfig>>();

  constructor() {
    super(
      {
        name: '@ubom/executor-serverless',
        version,
        apiVersion: 1,
        description: 'AWS Lambda, Google Cloud Functions and Azure Functions',
      },
      {
        name: 'serverless',
        description: 'Invokes a cloud function (AWS Lambda, Google Cloud Functions, Azure Functions)',
        version,
        capabilities: { cancel: true, streamLogs: false, dryRun: true },
      },
      { type: 'serverless', version, config: serverlessConfigJsonSchema },
    );
  }

  /** Checks what the JSON Schema cannot (cross-field rules) and that the provider's SDK is installed. */
  override async validate(work: Work): Promise<void> {
    const config = this.#config(work);
    if (config.provider === 'aws') resolveRegion(config);
    for (const sdk of sdksFor(config)) await loadOptional(sdk, config.provider);
  }

  async execute(work: Work, _workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    const clock = new MetricsClock();
    const config = this.#config(work);
    const secrets = new SecretBook(configSecrets(config));
    const outer = options.signal;
    if (outer?.aborted) throw abortErrorFrom(outer, scope);
    const onLog = options.onLog;
    const logs = new LogCollector({ onLog: onLog && ((entry) => onLog(secrets.maskEntry(entry))) });

    const timeoutMs = parseDuration(config.timeout) ?? DEFAULT_TIMEOUT_MS;
    const deadline = performance.now() + timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new TimeoutError(`timed out after ${formatDuration(timeoutMs)}`, timeoutMs, { scope }),
        ),
      Math.min(timeoutMs, MAX_TIMER_MS),
    );
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await this.#driver(config.provider).invoke({
        config,
        payload: config.payload !== undefined ? config.payload : (work.inputs ?? {}),
        signal: controller.signal,
        timeoutMs,
        deadline,
        logs,
        secrets,
      });
      return toWorkResult(outcome, logs, clock, secrets);
    } catch (error) {
      if (outer?.aborted) throw secrets.mask(abortErrorFrom(outer, scope));
      if (controller.signal.aborted) {
        logs.error(`the invocation did not finish within ${formatDuration(timeoutMs)} and was cancelled`);
        return timedOutResult(
          `timed out after ${formatDuration(timeoutMs)} (executor_config.timeout)`,
          logs,
          clock,
          secrets,
        );
      }
      throw secrets.mask(error);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes every cached SDK client. The executor stays usable: clients are created again on demand. */
  override async shutdown(): Promise<void> {
    const drivers = [...this.#drivers.values()];
    this.#drivers.clear();
    await Promise.allSettled(drivers.map((driver) => driver.close()));
  }

  #driver(provider: Provider): ProviderDriver<ServerlessConfig> {
    let driver = this.#drivers.get(provider);
    if (!driver) {
      driver = DRIVERS[provider]() as ProviderDriver<ServerlessConfig>;
      this.#drivers.set(provider, driver);
    }
    return driver;
  }

  /** The parsed config (cached by content in `parseConfig`, so validate + execute parse once). */
  #config(work: Work): ServerlessConfig {
    return parseConfig((work as Partial<Work> | null)?.executor_config);
  }
}
