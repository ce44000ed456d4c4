import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** The local engine's socket: the proxies below make it look like a remote engine. */
const ENGINE_SOCKET = '/var/run/docker.sock';

export interface EngineProxy {
  port: number;
  /** Cuts every open connection (an engine restart, a network blip); new ones are still accepted. */
  drop(): void;
  close(): Promise<void>;
}

function listen(server: Server, sockets: Set<Socket>): Promise<EngineProxy> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        drop: () => {
          for (const s of sockets) s.destroy();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

const pipeToEngine = (client: Socket) => {
  const engine = connect(ENGINE_SOCKET);
  client.pipe(engine).pipe(client);
  client.on('error', () => engine.destroy());
  engine.on('error', () => client.destroy());
  client.on('close', () => engine.destroy());
};

/** A plain TCP endpoint for the engine (what `dockerd -H tcp://…` gives). */
export async function tcpEngine(): Promise<EngineProxy & { silence(): void }> {
  let silent = false;
  const proxy = await listen(
    createServer((client) => {
      if (!silent) pipeToEngine(client);
    }),
    new Set(),
  );
  return {
    ...proxy,
    /** Cuts the open connections; from now on it accepts connections and never answers (a hung engine). */
    silence: () => {
      silent = true;
      proxy.drop();
    },
  };
}

/** A unix socket in front of the engine's, at `path`: closing it removes the socket file. */
export async function unixEngine(path: string): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(pipeToEngine);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

/** A mutual-TLS endpoint for the engine (what `dockerd --tlsverify -H tcp://…:2376` gives). */
export function tlsEngine(tls: { ca: string; cert: string; key: string }): Promise<EngineProxy> {
  const server = createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, pipeToEngine);
  return listen(server as unknown as Server, new Set());
}

/** Accepts connections and never answers: an engine that hangs. */
export function silentEngine(): Promise<EngineProxy> {
  return listen(
    createServer(() => {}),
    new Set(),
  );
}
