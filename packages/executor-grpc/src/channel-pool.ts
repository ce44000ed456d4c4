import { type ChannelOptions, Client } from '@grpc/grpc-js';
import type { ResolvedTls } from './credentials';
import { MAX_ATTEMPTS_OPTION, type RetryChannelOptions } from './retry';

export interface ChannelSpec {
  endpoint: string;
  tls: ResolvedTls;
  retry: RetryChannelOptions;
}

interface Entry {
  client: Client;
  reflectionKey: string;
  inFlight: number;
  evicted: boolean;
}

export interface Lease {
  readonly client: Client;
  /** The pool key. */
  readonly key: string;
  /** Endpoint + credentials (not the retry policy): what reflected descriptors are cached by. */
  readonly reflectionKey: string;
  release(): void;
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
  readonly #entries = new Map<string, Entry>();
  readonly #maxChannels: number;
  #closed = false;

  constructor(maxChannels = 64) {
    this.#maxChannels = Math.max(1, maxChannels);
  }

  static keyOf(spec: ChannelSpec): string {
    return `${spec.endpoint}|${spec.tls.key}|${spec.retry.serviceConfig ?? ''}`;
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

  acquire(spec: ChannelSpec): Lease {
    if (this.#closed) throw new Error('the channel pool is closed');
    const key = ChannelPool.keyOf(spec);
    let entry = this.#entries.get(key);
    if (entry) {
      // most recently used last
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    } else {
      entry = {
        client: new Client(spec.endpoint, spec.tls.create(), channelOptions(spec)),
        reflectionKey: `${spec.endpoint}|${spec.tls.key}`,
        inFlight: 0,
        evicted: false,
      };
      this.#entries.set(key, entry);
      this.#evict();
    }
    const held = entry;
    held.inFlight++;
    let released = false;
    return {
      client: held.client,
      key,
      reflectionKey: held.reflectionKey,
      release: () => {
        if (released) return;
        released = true;
        held.inFlight--;
        if (held.evicted && held.inFlight === 0) held.client.close();
      },
    };
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxChannels) return;
      this.#entries.delete(key);
      entry.evicted = true;
      if (entry.inFlight === 0) entry.client.close();
    }
  }

  /** Closes every channel; calls still running on them end with CANCELLED/UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) entry.client.close();
    this.#entries.clear();
  }
}
