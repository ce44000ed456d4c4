import { type ChannelOptions, Client } from '@grpc/grpc-js';
import { LruCache } from '@ubom/core';
import type { ResolvedTls } from './credentials';
import type { ResolvedMethod } from './descriptors';
import { MAX_ATTEMPTS_OPTION, type RetryChannelOptions } from './retry';

export interface ChannelSpec {
  endpoint: string;
  tls: ResolvedTls;
  retry: RetryChannelOptions;
}

/** One pooled channel. Held by a call between `acquire` and `release`. */
export interface Lease {
  readonly client: Client;
  /** Endpoint + credentials (not the retry policy): what reflected descriptors are cached by. */
  readonly reflectionKey: string;
  /** Methods resolved by reflection on this channel: a warm call finds its method without building a key. */
  readonly methods: Map<string, ResolvedMethod>;
  inFlight: number;
  evicted: boolean;
}

function channelOptions(spec: ChannelSpec): ChannelOptions {
  const options: ChannelOptions = {
    // each pooled channel owns its connections, so closing it really closes them
    'grpc.use_local_subchannel_pool': 1,
    // our service config (retry policy) is the one in force, not one found in DNS TXT records
    'grpc.service_config_disable_resolution': 1,
  };
  if (spec.retry.serviceConfig !== undefined) options['grpc.service_config'] = spec.retry.serviceConfig;
  if (spec.retry.maxAttempts > 5) options[MAX_ATTEMPTS_OPTION] = spec.retry.maxAttempts;
  if (spec.tls.serverName !== undefined) {
    options['grpc.ssl_target_name_override'] = spec.tls.serverName;
    options['grpc.default_authority'] = spec.tls.serverName;
  }
  return options;
}

/**
 * grpc-js clients (one channel each) pooled per endpoint + credentials + retry policy and reused across
 * works. The least recently used channel beyond `maxChannels` is closed once its calls have finished.
 */
export class ChannelPool {
  readonly #entries: LruCache<string, Lease>;
  #closed = false;

  constructor(maxChannels = 64) {
    this.#entries = new LruCache(maxChannels, (lease) => {
      lease.evicted = true;
      if (lease.inFlight === 0) lease.client.close();
    });
  }

  /** Open channels. */
  get size(): number {
    return this.#entries.size;
  }

  /** Calls (and reflection streams) holding a channel right now. */
  get inFlight(): number {
    let n = 0;
    for (const entry of this.#entries.values()) n += entry.inFlight;
    return n;
  }

  /** The channel for `spec`, opened on first use; give it back with `release`. */
  acquire(spec: ChannelSpec): Lease {
    if (this.#closed) throw new Error('the channel pool is closed');
    const key = `${spec.endpoint}|${spec.tls.key}|${spec.retry.serviceConfig ?? ''}`;
    const entry = this.#entries.getOrCreate(key, () => ({
      client: new Client(spec.endpoint, spec.tls.create(), channelOptions(spec)),
      reflectionKey: `${spec.endpoint}|${spec.tls.key}`,
      methods: new Map(),
      inFlight: 0,
      evicted: false,
    }));
    entry.inFlight++;
    return entry;
  }

  release(entry: Lease): void {
    entry.inFlight--;
    if (entry.evicted && entry.inFlight === 0) entry.client.close();
  }

  /** Closes every channel; calls still running on them end with CANCELLED/UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) entry.client.close();
    this.#entries.clear();
  }
}
