import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type ChannelCredentials, credentials } from '@grpc/grpc-js';
import { ValidationError } from '@ubom/core';
import { type ParsedTlsConfig, SCOPE } from './config';

export interface ResolvedTls {
  /** Fingerprint of everything that makes two channels' security differ (never the key itself). */
  key: string;
  create(): ChannelCredentials;
  serverName?: string;
}

const PLAINTEXT: ResolvedTls = { key: 'plaintext', create: () => credentials.createInsecure() };

/** PEM text as is; anything else is a file path, read now (so a rotated file is picked up). */
async function pem(value: string | undefined, field: string): Promise<Buffer | null> {
  if (value === undefined) return null;
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

const isPem = (value: string | undefined): boolean => value === undefined || value.includes('-----BEGIN ');
const SYSTEM_ROOTS = build(null, null, null, undefined);

/** The cases without I/O (plaintext, system roots, PEM text); `undefined` when a file must be read. */
function resolveTlsNow(tls: ParsedTlsConfig | undefined): ResolvedTls | undefined {
  if (tls?.enabled === false) return PLAINTEXT;
  if (!tls || (tls.ca_cert === undefined && tls.client_cert === undefined && tls.server_name === undefined))
    return SYSTEM_ROOTS;
  if (!isPem(tls.ca_cert) || !isPem(tls.client_cert) || !isPem(tls.client_key)) return undefined;
  const text = (v: string | undefined) => (v === undefined ? null : Buffer.from(v));
  return build(text(tls.ca_cert), text(tls.client_cert), text(tls.client_key), tls.server_name);
}

/** TLS unless `tls.enabled` is explicitly false; verified against `ca_cert` or the system roots. */
export async function resolveTls(tls: ParsedTlsConfig | undefined): Promise<ResolvedTls> {
  const now = resolveTlsNow(tls);
  if (now) return now;
  const [ca, cert, key] = await Promise.all([
    pem(tls?.ca_cert, 'ca_cert'),
    pem(tls?.client_cert, 'client_cert'),
    pem(tls?.client_key, 'client_key'),
  ]);
  return build(ca, cert, key, tls?.server_name);
}

function build(
  ca: Buffer | null,
  cert: Buffer | null,
  key: Buffer | null,
  serverName: string | undefined,
): ResolvedTls {
  const hash = createHash('sha256');
  for (const part of [ca, cert, key]) hash.update(part ?? '-').update('\0');
  hash.update(serverName ?? '');
  const resolved: ResolvedTls = {
    key: `tls:${hash.digest('hex').slice(0, 32)}`,
    create: () => credentials.createSsl(ca, key, cert),
  };
  if (serverName !== undefined) resolved.serverName = serverName;
  return resolved;
}
