import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ValidationError } from '@ubom/core';
import { SCOPE, type TlsConfig } from './config';

/** What makes connections differ: the agents are kept per profile, each pooling per origin. */
export interface TlsProfile {
  /** Fingerprint of the material (a hash: never the key itself). */
  key: string;
  connect: TlsConnect;
}

/** The `node:tls` options an agent's connections use. */
export interface TlsConnect {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

/** Profiles of one work: its own origin (everything), and other origins (trust only: no client cert). */
export interface WorkTls {
  own: TlsProfile;
  foreign: TlsProfile;
  insecure: boolean;
}

/** PEM text as is; anything else is a file path, read at each work (a rotated file is picked up). */
async function pem(value: string | undefined, field: string): Promise<Buffer | undefined> {
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN ')) return Buffer.from(value);
  try {
    return await readFile(value);
  } catch (error) {
    // no `cause`: the fs error quotes the path, which is the secret itself when a key was pasted without its PEM header
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw ValidationError.single(
      `executor_config.tls.${field}`,
      `is neither PEM text nor a readable file (${reason})`,
      {
        scope: SCOPE,
      },
    );
  }
}

function profile(parts: Record<string, Buffer | string | boolean | undefined>): TlsProfile {
  const hash = createHash('sha256');
  const connect: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parts)) {
    hash
      .update(`${name}=`)
      .update(value === undefined ? '-' : String(value))
      .update('\0');
    if (value !== undefined) connect[name] = value;
  }
  return { key: `tls:${hash.digest('hex').slice(0, 32)}`, connect: connect as TlsConnect };
}

/** The work's TLS material, loaded; `undefined` when it has none (the default agent serves it). */
export async function resolveTls(tls: TlsConfig | undefined): Promise<WorkTls | undefined> {
  if (!tls) return undefined;
  const [ca, cert, key] = await Promise.all([
    pem(tls.ca_cert, 'ca_cert'),
    pem(tls.client_cert, 'client_cert'),
    pem(tls.client_key, 'client_key'),
  ]);
  const rejectUnauthorized = !tls.insecure_skip_verify;
  return {
    own: profile({
      ca,
      cert,
      key,
      passphrase: tls.client_key_passphrase,
      servername: tls.server_name,
      rejectUnauthorized,
    }),
    foreign: profile({ ca, rejectUnauthorized }),
    insecure: tls.insecure_skip_verify,
  };
}

/** The warning every work with `insecure_skip_verify` logs. */
export const INSECURE_WARNING =
  "TLS certificate verification is OFF (tls.insecure_skip_verify: true): the server's identity is not checked, so anyone on the network path can read and change this request and its credentials";

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

/** True for a failed certificate check (either side): retrying will not help, the work must change. */
export function isCertificateError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (CERT_CODES.has(String((e as NodeJS.ErrnoException).code))) return true;
  }
  return false;
}
