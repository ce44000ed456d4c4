import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { ValidationError } from '@ubom/core';

/** `executor_config` (and `inputs`) encrypted with AES-256-GCM: what Redis stores instead of them. */
export interface SealedConfig {
  v: 1;
  /** Which key sealed it: the first 8 bytes of SHA-256(key), hex. */
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * A shared secret: 32 raw bytes, 32 bytes in base64 / hex, or any passphrase (stretched with scrypt).
 * Producers and workers of one queue must hold the same one.
 */
export type SecretKey = string | Uint8Array;

const SALT = 'ubom/queue-bullmq/config-key/v1';

function keyBytes(key: SecretKey): Buffer {
  if (typeof key !== 'string') {
    if (key.length !== 32) throw ValidationError.single('secretKey', 'must be 32 bytes', { scope: 'queue' });
    return Buffer.from(key);
  }
  if (key.length === 0) throw ValidationError.single('secretKey', 'must not be empty', { scope: 'queue' });
  if (/^[0-9a-f]{64}$/i.test(key)) return Buffer.from(key, 'hex');
  const b64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(key) ? Buffer.from(key, 'base64') : undefined;
  if (b64?.length === 32) return b64;
  return scryptSync(key, SALT, 32);
}

const kidOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Seals with the first key, unseals with any (so keys can be rotated one machine at a time). */
export class ConfigSealer {
  readonly #keys: Array<{ kid: string; key: Buffer }>;

  constructor(keys: SecretKey | readonly SecretKey[]) {
    const list = (Array.isArray(keys) ? keys : [keys]) as SecretKey[];
    if (list.length === 0)
      throw ValidationError.single('secretKey', 'must hold at least one key', { scope: 'queue' });
    this.#keys = list.map((k) => {
      const key = keyBytes(k);
      return { kid: kidOf(key), key };
    });
  }

  /** `aad` binds the sealed config to its work: it cannot be pasted into another one. */
  seal(config: Record<string, unknown>, aad: string): SealedConfig {
    const first = this.#keys[0] as { kid: string; key: Buffer };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', first.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(JSON.stringify(config), 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid: first.kid,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  unseal(sealed: SealedConfig, aad: string): Record<string, unknown> {
    const entry = this.#keys.find((k) => k.kid === sealed.kid);
    if (!entry) {
      throw ValidationError.single(
        'executor_config',
        "is encrypted with a key this worker does not hold (set the producers' secretKey on the worker)",
        { scope: 'queue' },
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw ValidationError.single(
        'executor_config',
        'could not be decrypted: it was altered or belongs to another work',
        {
          scope: 'queue',
          cause,
        },
      );
    }
  }
}
