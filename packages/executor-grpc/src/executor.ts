import { type Metadata, status as Status } from '@grpc/grpc-js';
import {
  API_VERSION,
  abortErrorFrom,
  BasePlugin,
  type ExecuteOptions,
  LogCollector,
  MetricsClock,
  parseDuration,
  throwIfAborted,
  UnavailableError,
  type Work,
  type WorkContext,
  type WorkResult,
} from '@ubom/core';
import { version } from '../package.json';
import { type CallStatus, invoke, type RunningCall } from './call';
import { ChannelPool, type Lease } from './channel-pool';
import { decodeMessage } from './codec';
import { compileConfigCheck, type GrpcConfig, grpcConfigJsonSchema, parseConfig } from './config';
import { resolveTls, resolveTlsNow } from './credentials';
import { DescriptorCache, type ResolvedMethod } from './descriptors';
import { checkHealth } from './health';
import { codeName, toWorkResult } from './mapping';
import { type GrpcPluginConfig, OUTPUTS_SCHEMA, parsePluginConfig } from './plugin-config';
import { ReflectionAborted } from './reflection';
import { buildMetadata, type DryRunReport, encodeRequests, kindOf, preview } from './request';
import { retryChannelOptions } from './retry';
import { type DescriptorSource, filesKey, ReflectionRefused } from './sources';

const SCOPE = 'grpc';
export const GRPC_WORK_TYPE = 'grpc';
/** Calls any gRPC method by name: descriptors from server reflection, proto files or a descriptor set. */
export class GrpcExecutor extends BasePlugin {
  #settings: GrpcPluginConfig = parsePluginConfig({});
  #pool = new ChannelPool(this.#settings.max_channels);
  readonly #descriptors = new DescriptorCache();
  readonly #calls = new Set<RunningCall>();

  constructor() {
    super(
      {
        name: '@ubom/executor-grpc',
        version,
        apiVersion: API_VERSION,
        description: 'Unary and streaming calls to any gRPC service, no generated code',
        homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-grpc',
      },
      {
        name: GRPC_WORK_TYPE,
        description:
          'Calls package.Service/Method with a JSON request; descriptors by server reflection or protos',
        version,
        capabilities: { cancel: true, streamLogs: true, dryRun: true, retries: true },
      },
      { type: GRPC_WORK_TYPE, version: '1.0.0', config: grpcConfigJsonSchema, outputs: OUTPUTS_SCHEMA },
    );
    compileConfigCheck();
  }

  override async initialize(config: Record<string, unknown>): Promise<void> {
    await super.initialize(config);
    this.#settings = parsePluginConfig(config);
    this.#pool.close();
    this.#pool = new ChannelPool(this.#settings.max_channels);
    this.#descriptors.clear();
  }

  /** The rules the JSON Schema cannot express (mTLS pairs, one descriptor source…). No I/O: see `dryRun`. */
  override validate(work: Work): void {
    parseConfig(work.executor_config);
  }

  /** Open channels and calls in flight: both drop to 0 after `shutdown()`; calls also after each work. */
  get stats(): { channels: number; inFlight: number } {
    return { channels: this.#pool.size, inFlight: this.#pool.inFlight };
  }

  async execute(work: Work, _workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    const signal = options.signal;
    throwIfAborted(signal, SCOPE);
    const clock = new MetricsClock();
    const config = parseConfig(work.executor_config);
    const tls = resolveTlsNow(config.tls) ?? (await resolveTls(config.tls));
    const lease = this.#pool.acquire({
      endpoint: config.endpoint,
      tls,
      retry: retryChannelOptions(config.retry),
    });
    try {
      const timeoutMs = config.timeout === undefined ? undefined : parseDuration(config.timeout);
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      const metadata = buildMetadata(config.metadata);
      const logs = new LogCollector({ onLog: options.onLog });
      let method: ResolvedMethod;
      try {
        method =
          this.#cachedMethod(config, lease) ??
          (await this.#resolve(config, lease, metadata, deadline, signal));
      } catch (error) {
        if (!(error instanceof ReflectionRefused)) throw error;
        const refused = { code: error.code, details: error.details, headers: undefined, trailers: undefined };
        return toWorkResult({
          method: { path: `/${config.method}`, responseStream: false },
          endpoint: config.endpoint,
          call: { ...refused, aborted: false },
          responses: [],
          sent: 0,
          logs,
          clock,
        });
      }
      const requests = encodeRequests(method, config, work);
      throwIfAborted(signal, SCOPE);
      const responses: Record<string, unknown>[] = [];
      let decodeError: Error | undefined;
      const call = invoke({
        client: lease.client,
        method,
        requests,
        metadata,
        deadline,
        signal,
        onMessage: (bytes) => {
          try {
            const message = decodeMessage(method.responseType, bytes);
            responses.push(message);
            if (method.responseStream) logs.add('info', 'stdout', preview(message));
          } catch (error) {
            decodeError ??= error as Error;
          }
        },
      });
      this.#calls.add(call);
      let outcome: CallStatus;
      try {
        outcome = await call.done;
      } finally {
        this.#calls.delete(call);
      }
      if (outcome.aborted && signal?.aborted) throw abortErrorFrom(signal, SCOPE);
      if (decodeError && outcome.code === Status.OK) {
        outcome.code = Status.INTERNAL;
        outcome.details = `could not decode a ${method.responseType.fullName.slice(1)}: ${decodeError.message}`;
      }
      const endpoint = config.endpoint;
      return toWorkResult({ method, endpoint, call: outcome, responses, sent: requests.length, logs, clock });
    } finally {
      this.#pool.release(lease);
    }
  }

  /**
   * Checks a work against its backend without calling it: the method resolves (reflection or protos),
   * the request encodes, and grpc.health.v1 reports the service SERVING (or the server is reachable
   * when it has no health service). Throws `ValidationError` / `UnavailableError`.
   */
  async dryRun(work: Work, options: { signal?: AbortSignal } = {}): Promise<DryRunReport> {
    const config = parseConfig(work.executor_config);
    const lease = await this.#lease(config);
    try {
      const metadata = buildMetadata(config.metadata);
      const deadline = Date.now() + (parseDuration(config.timeout) ?? this.#settings.reflectionTimeoutMs);
      const method = await this.#resolve(config, lease, metadata, deadline, options.signal).catch((error) => {
        if (error instanceof ReflectionRefused)
          throw new UnavailableError(`${codeName(error.code)}: ${error.details}`, {
            scope: SCOPE,
            cause: error,
          });
        throw error;
      });
      const requests = encodeRequests(method, config, work);
      const service = config.method.slice(0, config.method.lastIndexOf('/'));
      const answer = await checkHealth(lease.client, service, metadata, deadline, options.signal);
      throwIfAborted(options.signal, SCOPE);
      let health: DryRunReport['health'];
      if ('status' in answer) health = answer.status;
      else if (answer.code === Status.UNIMPLEMENTED) health = 'NO_HEALTH_SERVICE';
      else if (answer.code === Status.NOT_FOUND) health = 'SERVICE_UNKNOWN';
      else
        throw new UnavailableError(
          `health check of ${service} failed: ${codeName(answer.code)}: ${answer.details}`,
          { scope: SCOPE },
        );
      if (health === 'NOT_SERVING') throw new UnavailableError(`${service} is NOT_SERVING`, { scope: SCOPE });
      const descriptorSource = config.proto_files
        ? 'proto_files'
        : config.descriptor_set
          ? 'descriptor_set'
          : 'reflection';
      return {
        method: method.path,
        kind: kindOf(method),
        descriptorSource,
        requestMessages: requests.length,
        health,
      };
    } finally {
      this.#pool.release(lease);
    }
  }

  /** Healthy when every `health_targets` entry of the plugin config answers grpc.health.v1 with SERVING. */
  override async healthCheck(): Promise<void> {
    for (const target of this.#settings.health_targets) {
      const tls = await resolveTls(target.tls);
      const lease = this.#pool.acquire({ endpoint: target.endpoint, tls, retry: { maxAttempts: 1 } });
      try {
        const deadline = Date.now() + this.#settings.reflectionTimeoutMs;
        const answer = await checkHealth(
          lease.client,
          target.service,
          buildMetadata(target.metadata),
          deadline,
        );
        const said = 'status' in answer ? answer.status : `${codeName(answer.code)}: ${answer.details}`;
        if (said !== 'SERVING')
          throw new UnavailableError(
            `${target.endpoint} ${target.service || '(server)'} is not healthy: ${said}`,
            { scope: SCOPE },
          );
      } finally {
        this.#pool.release(lease);
      }
    }
  }

  /** Cancels calls in flight, waits for them, then closes every channel and forgets descriptors. */
  override async shutdown(): Promise<void> {
    const running = [...this.#calls];
    for (const call of running) call.cancel();
    await Promise.all(running.map((call) => call.done));
    this.#pool.close();
    this.#pool = new ChannelPool(this.#settings.max_channels);
    this.#descriptors.clear();
  }

  async #lease(config: GrpcConfig): Promise<Lease> {
    const tls = await resolveTls(config.tls);
    return this.#pool.acquire({ endpoint: config.endpoint, tls, retry: retryChannelOptions(config.retry) });
  }

  /** A method resolved before: one Map lookup per warm call. */
  #cachedMethod(config: GrpcConfig, lease: Lease): ResolvedMethod | undefined {
    if (config.proto_files === undefined && config.descriptor_set === undefined)
      return lease.methods.get(config.method);
    return this.#descriptors.cached(filesKey(config), config.method);
  }

  async #resolve(
    config: GrpcConfig,
    lease: Lease,
    metadata: Metadata,
    deadline: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ResolvedMethod> {
    const cached = this.#cachedMethod(config, lease);
    if (cached) return cached;
    const fromFiles = config.proto_files !== undefined || config.descriptor_set !== undefined;
    const key = fromFiles ? filesKey(config) : `reflect|${lease.reflectionKey}`;
    const source: DescriptorSource = config.proto_files
      ? { kind: 'files', key, files: config.proto_files, includeDirs: config.include_dirs ?? [] }
      : config.descriptor_set !== undefined
        ? { kind: 'set', key, file: config.descriptor_set }
        : {
            kind: 'reflection',
            key,
            client: lease.client,
            metadata,
            deadline: deadline ?? Date.now() + this.#settings.reflectionTimeoutMs,
            signal,
          };
    for (let attempt = 0; ; attempt++) {
      try {
        const method = await this.#descriptors.resolve(source, config.method);
        if (!fromFiles) lease.methods.set(config.method, method);
        return method;
      } catch (error) {
        if (!(error instanceof ReflectionAborted)) throw error;
        // aborted by this work, or by another work that started the same reflection: then try again
        if (signal?.aborted) throw abortErrorFrom(signal, SCOPE);
        if (attempt > 0)
          throw new UnavailableError('server reflection was cancelled twice by other works', {
            scope: SCOPE,
            cause: error,
          });
      }
    }
  }
}
