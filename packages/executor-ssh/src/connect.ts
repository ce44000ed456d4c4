import { createConnection, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AbortError, UnavailableError, ValidationError } from '@ubom/core';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshEndpoint } from './config';
import { type HostKeyPolicy, hostKeyProblem, preferredAlgorithms } from './host-keys';

export const SCOPE = 'ssh';
/** How long an ended connection may take to close before its socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** ssh2's default host key algorithms, in its order (the known types of a server go first). */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;
type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];

/** One hop, ready to connect: its fields, where they sit in the config, its host key policy. */
export interface Hop {
  endpoint: SshEndpoint;
  /** `executor_config` or `executor_config.jump_host`. */
  path: string;
  policy: HostKeyPolicy;
  /** The agent socket, when the hop authenticates through an agent. */
  agentPath: string | undefined;
}

export interface ConnectOptions {
  signal: AbortSignal | undefined;
  connectTimeoutMs: number;
  keepaliveMs: number;
}

/** An authenticated ssh2 client, and the bastion it goes through, if any. */
export interface Connection {
  client: Client;
  jump: Client | undefined;
  /** Resolves once the connection (and its bastion) is closed, for whatever reason. */
  closed: Promise<void>;
  /** Ends the connection (and its bastion). */
  close(): void;
}

function clientConfig(hop: Hop, options: ConnectOptions, onKey: (blob: Buffer) => boolean): ConnectConfig {
  const { endpoint } = hop;
  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveMs,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => onKey(key),
  };
  if (endpoint.private_key !== undefined) config.privateKey = endpoint.private_key;
  if (endpoint.passphrase !== undefined) config.passphrase = endpoint.passphrase;
  if (endpoint.password !== undefined) {
    config.password = endpoint.password;
    config.tryKeyboard = true;
  }
  if (hop.agentPath !== undefined) config.agent = hop.agentPath;
  const known = preferredAlgorithms(hop.policy.knownHosts ?? []).filter((a): a is HostKeyAlgorithm =>
    (HOST_KEY_ALGORITHMS as readonly string[]).includes(a),
  );
  if (known.length > 0)
    config.algorithms = {
      serverHostKey: [...known, ...HOST_KEY_ALGORITHMS.filter((a) => !known.includes(a))],
    };
  return config;
}

type Level = { level?: string; code?: string };

/** What went wrong while connecting, as the error a user can act on. */
function connectError(hop: Hop, error: Error, refused: string | undefined, timeoutMs: number): Error {
  const { level, code } = error as Error & Level;
  const where = `${hop.endpoint.username}@${hop.endpoint.host}:${hop.endpoint.port}`;
  if (refused !== undefined) return ValidationError.single(hop.policy.path, refused, { scope: SCOPE });
  if (level === 'client-authentication') {
    const e = hop.endpoint;
    const tried = [e.private_key && 'private_key', e.password && 'password', hop.agentPath && 'agent'].filter(
      (m): m is string => typeof m === 'string',
    );
    const path = `${hop.path}.${tried[0] ?? 'username'}`;
    return ValidationError.single(
      path,
      `authentication as ${where} failed (tried ${tried.join(', ') || 'no method'}): the server accepted none of them`,
      { scope: SCOPE, cause: error },
    );
  }
  if (/privateKey|private key|passphrase/i.test(error.message)) {
    const path = /passphrase/i.test(error.message) ? `${hop.path}.passphrase` : `${hop.path}.private_key`;
    return ValidationError.single(path, `cannot use the private key: ${error.message}`, {
      scope: SCOPE,
      cause: error,
    });
  }
  if (level === 'client-timeout')
    return new UnavailableError(`connecting to ${where} timed out after ${timeoutMs} ms`, {
      scope: SCOPE,
      cause: error,
    });
  if (level === 'agent')
    return ValidationError.single(`${hop.path}.agent`, `the ssh-agent failed: ${error.message}`, {
      scope: SCOPE,
      cause: error,
    });
  const reason = code ? `${code} ${error.message}` : error.message;
  return new UnavailableError(`cannot connect to ${where}: ${reason}`, { scope: SCOPE, cause: error });
}

/** Connects and authenticates one hop, over `sock` when it goes through a bastion. */
function connectHop(hop: Hop, options: ConnectOptions, sock: Duplex): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refused: string | undefined;
    const onKey = (blob: Buffer): boolean => {
      refused = hostKeyProblem(hop.policy, blob, hop.endpoint.host, hop.endpoint.port);
      return refused === undefined;
    };
    const onAbort = () => {
      client.destroy();
      reject(options.signal?.reason ?? new AbortError(undefined, { scope: SCOPE }));
    };
    const done = () => {
      options.signal?.removeEventListener('abort', onAbort);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
    };
    const onError = (error: Error) => {
      done();
      client.destroy();
      reject(connectError(hop, error, refused, options.connectTimeoutMs));
    };
    const onClose = () => onError(new Error('the server closed the connection during the handshake'));
    client.once('ready', () => {
      done();
      client.on('error', () => {}); // later errors surface as 'close' (the pool drops the connection)
      resolve(client);
    });
    client.on('error', onError);
    client.on('close', onClose);
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) =>
      finish(prompts.map(() => hop.endpoint.password ?? '')),
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      client.connect({ ...clientConfig(hop, options, onKey), sock });
    } catch (error) {
      onError(error as Error);
    }
  });
}

/**
 * The TCP socket to a hop, ours rather than ssh2's: after `end()` ssh2 can no longer destroy its own
 * socket, and a server that stopped answering would keep it (and a shutdown) open.
 */
function tcp(endpoint: SshEndpoint): Socket {
  const socket = createConnection({ host: endpoint.host, port: endpoint.port });
  socket.setNoDelay(true);
  return socket;
}

/** A TCP stream from the bastion to the target (ProxyJump). */
function forward(jump: Client, target: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => {
      if (error)
        reject(
          new UnavailableError(
            `the jump host could not reach ${target.host}:${target.port}: ${error.message}`,
            { scope: SCOPE, cause: error },
          ),
        );
      else resolve(stream);
    });
  });
}

const closedPromise = (client: Client): Promise<void> =>
  new Promise((resolve) => client.once('close', () => resolve()));

/** Connects to `target`, through `jump` when given; every failure is a `UbomError` a user can act on. */
export async function connect(
  target: Hop,
  jump: Hop | undefined,
  options: ConnectOptions,
): Promise<Connection> {
  const jumpSocket = jump && tcp(jump.endpoint);
  const bastion = jump && jumpSocket ? await connectHop(jump, options, jumpSocket) : undefined;
  let client: Client;
  let socket: Duplex;
  try {
    socket = bastion ? await forward(bastion, target.endpoint) : tcp(target.endpoint);
    client = await connectHop(target, options, socket);
  } catch (error) {
    jumpSocket?.destroy();
    throw error;
  }
  const closed = Promise.all([closedPromise(client), bastion && closedPromise(bastion)]).then(() => {});
  client.once('close', () => bastion?.end());
  bastion?.once('close', () => client.end());
  return {
    client,
    jump: bastion,
    closed,
    close: () => {
      client.end();
      bastion?.end();
      // a server that no longer answers never confirms the end: the socket is dropped after a while
      const drop = setTimeout(() => {
        socket.destroy();
        jumpSocket?.destroy();
      }, CLOSE_GRACE_MS);
      drop.unref();
      void closed.then(() => clearTimeout(drop));
    },
  };
}
