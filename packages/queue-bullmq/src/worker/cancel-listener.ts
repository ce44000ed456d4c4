import type { Redis } from 'ioredis';
import { type CancelMessage, decodeCancel } from '../shared/cancel-message';

/**
 * Listens on the queue's cancel channel (Redis pub/sub, one connection per worker). Pub/sub does not
 * replay what was published while the connection was down, so after every reconnect `onReconnect`
 * runs: the worker then re-reads the cancel flag of the jobs it runs.
 */
export class CancelListener {
  readonly #client: Redis;
  readonly #channel: string;
  #connectedOnce = false;

  constructor(
    base: Redis,
    channel: string,
    onCancel: (message: CancelMessage) => void,
    onReconnect: () => void,
  ) {
    this.#channel = channel;
    this.#client = base.duplicate({ maxRetriesPerRequest: null });
    this.#client.on('message', (ch: string, text: string) => {
      if (ch !== channel) return;
      const message = decodeCancel(text);
      if (message) onCancel(message);
    });
    this.#client.on('ready', () => {
      if (this.#connectedOnce) onReconnect();
      this.#connectedOnce = true;
    });
    this.#client.on('error', () => {
      // ioredis reconnects by itself; the worker's own connection reports Redis trouble
    });
  }

  /** Resolves once subscribed: only then may the worker take jobs. */
  async start(): Promise<void> {
    await this.#client.subscribe(this.#channel);
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }
}
