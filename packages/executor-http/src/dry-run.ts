import { lookup } from 'node:dns/promises';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { abortErrorFrom, UnavailableError, ValidationError } from '@ubom/core';
import { buildConnector } from 'undici';
import { type HttpConfig, SCOPE } from './config';
import { isCertificateError, resolveTls, type TlsProfile } from './tls';

const CONNECT_TIMEOUT_MS = 10_000;

/** What the dry run found for one URL. */
export interface Reachable {
  url: string;
  addresses: string[];
  /** TLS protocol negotiated (https), e.g. `TLSv1.3`. */
  tls?: string;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** Opens (and closes) one connection the way a request would: same TLS settings, same checks. */
function connect(url: URL, tls: TlsProfile | undefined, timeoutMs: number, signal: AbortSignal | undefined) {
  const connector = buildConnector({ ...tls?.connect, timeout: timeoutMs });
  return new Promise<Socket>((done, fail) => {
    connector(
      { hostname: bare(url.hostname), host: url.host, protocol: url.protocol, port: url.port },
      (error, socket) => {
        if (error || !socket) return fail(error ?? new Error('no socket'));
        if (signal?.aborted) {
          socket.destroy();
          return fail(abortErrorFrom(signal, SCOPE));
        }
        done(socket as Socket);
      },
    );
  });
}

async function probe(
  path: string,
  url: URL,
  tls: TlsProfile | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Reachable> {
  let addresses: string[];
  try {
    addresses = (await lookup(bare(url.hostname), { all: true })).map((a) => a.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'EAI_AGAIN')
      throw new UnavailableError(`cannot resolve ${url.hostname} now (EAI_AGAIN)`, { scope: SCOPE });
    throw ValidationError.single(path, `the host ${url.hostname} does not resolve (${code})`, {
      scope: SCOPE,
    });
  }
  let socket: Socket;
  try {
    socket = await connect(url, tls, timeoutMs, signal);
  } catch (error) {
    if (signal?.aborted) throw abortErrorFrom(signal, SCOPE);
    const reason = (error as Error).message;
    if (isCertificateError(error))
      throw ValidationError.single(
        path,
        `the TLS check of ${url.host} failed (${reason}): give the CA with tls.ca_cert, or the expected name with tls.server_name`,
        { scope: SCOPE },
      );
    throw new UnavailableError(`cannot connect to ${url.host}: ${reason}`, { scope: SCOPE, cause: error });
  }
  const found: Reachable = { url: url.origin, addresses };
  const protocol = (socket as TLSSocket).getProtocol?.();
  if (protocol) found.tls = protocol;
  socket.destroy();
  return found;
}

/**
 * Without sending a request: the work's host (and the OAuth2 token endpoint's) resolve and accept a
 * connection with the work's TLS settings; the folder of `output_file` is writable.
 */
export async function dryRun(
  config: HttpConfig,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<{ reachable: Reachable[] }> {
  const tls = await resolveTls(config.tls);
  const limit = Math.min(timeoutMs ?? CONNECT_TIMEOUT_MS, CONNECT_TIMEOUT_MS);
  const url = new URL(config.url);
  const reachable = [await probe('executor_config.url', url, tls?.own, limit, signal)];
  if (config.auth?.type === 'oauth2_client_credentials') {
    const token = new URL(config.auth.token_url);
    const profile = token.origin === url.origin ? tls?.own : tls?.foreign;
    reachable.push(await probe('executor_config.auth.token_url', token, profile, limit, signal));
  }
  if (config.output_file !== undefined) {
    const folder = dirname(resolve(config.output_file));
    try {
      await access(folder, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'not writable';
      throw ValidationError.single(
        'executor_config.output_file',
        `its folder ${folder} is not writable (${code})`,
        {
          scope: SCOPE,
        },
      );
    }
  }
  return { reachable };
}
