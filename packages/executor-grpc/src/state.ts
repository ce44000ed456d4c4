import type { Metadata } from '@grpc/grpc-js';
import { abortErrorFrom, parseDuration, UnavailableError } from '@ubom/core';
import { ChannelPool, type Lease } from './channel-pool';
import { type ParsedGrpcConfig, SCOPE } from './config';
import { resolveTls } from './credentials';
import { DescriptorCache, type ResolvedMethod } from './descriptors';
import type { GrpcPluginConfig } from './plugin-config';
import { ReflectionAborted } from './reflection';
import { deadlineAfter } from './request';
import { retryChannelOptions } from './retry';
import { type DescriptorSource, filesKey } from './sources';

/**
 * What a grpc plugin keeps between works (`plugin.state`): its settings, the channel pool and the
 * descriptor cache. Made by `initialize` (or on first use), released by `shutdown`.
 */
export class GrpcState {
  readonly settings: GrpcPluginConfig;
  /** Deadline of reflection and health checks when the work sets no timeout. */
  readonly reflectionTimeoutMs: number;
  readonly pool: ChannelPool;
  readonly descriptors = new DescriptorCache();

  constructor(settings: GrpcPluginConfig) {
    this.settings = settings;
    this.reflectionTimeoutMs = parseDuration(settings.reflection_timeout) ?? 10_000;
    this.pool = new ChannelPool(settings.max_channels);
  }

  /** Open channels and calls in flight: calls drop to 0 after each work, both after `shutdown()`. */
  get stats(): { channels: number; inFlight: number } {
    return { channels: this.pool.size, inFlight: this.pool.inFlight };
  }

  /** The pooled channel for the work's endpoint, TLS and retry policy; give it back with `pool.release`. */
  async lease(config: Pick<ParsedGrpcConfig, 'endpoint' | 'tls' | 'retry'>): Promise<Lease> {
    const tls = await resolveTls(config.tls);
    return this.pool.acquire({ endpoint: config.endpoint, tls, retry: retryChannelOptions(config.retry) });
  }

  /**
   * The method the work names, from its proto files or descriptor set, else by server reflection on
   * the work's channel (with its metadata, deadline and signal). Resolved once, then a Map lookup.
   */
  async method(
    config: ParsedGrpcConfig,
    lease: Lease,
    metadata: Metadata,
    deadline: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ResolvedMethod> {
    const fromFiles = config.proto_files !== undefined || config.descriptor_set !== undefined;
    const key = fromFiles ? filesKey(config) : `reflect|${lease.reflectionKey}`;
    const cached = fromFiles ? this.descriptors.cached(key, config.method) : lease.methods.get(config.method);
    if (cached) return cached;
    const source: DescriptorSource = config.proto_files
      ? { kind: 'files', key, files: config.proto_files, includeDirs: config.include_dirs ?? [] }
      : config.descriptor_set !== undefined
        ? { kind: 'set', key, file: config.descriptor_set }
        : {
            kind: 'reflection',
            key,
            client: lease.client,
            metadata,
            deadline: deadline ?? deadlineAfter(this.reflectionTimeoutMs),
            signal,
          };
    for (let attempt = 0; ; attempt++) {
      try {
        const method = await this.descriptors.resolve(source, config.method);
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

  /** Closes every channel (calls still on them end CANCELLED) and forgets descriptors. */
  close(): void {
    this.pool.close();
    this.descriptors.clear();
  }
}
