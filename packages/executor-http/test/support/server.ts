import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  raw: Buffer,
) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:PORT` (or https). */
  origin: string;
  port: number;
  /** Every request received, in order. */
  seen: Seen[];
  /** Sockets open now. */
  connections(): number;
  /** Sockets accepted since the start. */
  accepted(): number;
  /** Requests whose connection is still open and whose response has not finished. */
  openRequests(): number;
  /** Polls until no request is open (up to `ms`); resolves with how many still are. */
  settled(ms?: number): Promise<number>;
  /** Adds or replaces a route (by path, query ignored). */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; requestCert?: boolean };
  routes?: Record<string, Handler>;
}

/** Answers with JSON. */
export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** The routes every test server has. */
const common: Record<string, Handler> = {
  '/echo': (req, res, body) =>
    json(res, 200, { method: req.method, url: req.url, headers: req.headers, body }),
  '/text': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('hello, world');
  },
  '/status': (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const status = Number(url.searchParams.get('code') ?? 500);
    res.writeHead(status, { 'content-type': url.searchParams.get('type') ?? 'text/plain' });
    res.end(url.searchParams.get('body') ?? '');
  },
  // never answers: the client must give up (cancel, timeout)
  '/hang': () => undefined,
  '/drop': (req) => {
    req.socket.destroy();
  },
  '/huge': (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const size = Number(url.searchParams.get('bytes') ?? 1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (url.searchParams.get('length') !== 'no') headers['content-length'] = size;
    res.writeHead(200, headers);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      sent = size;
    });
    pump();
  },
  // the headers at once, then one byte every 100 ms for `ms`
  '/slow': (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const until = Date.now() + Number(url.searchParams.get('ms') ?? 60_000);
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => {
      if (Date.now() >= until) {
        clearInterval(timer);
        res.end('.');
      } else res.write('.');
    }, 100);
    res.on('close', () => clearInterval(timer));
  },
};

/** A real Node http(s) server on 127.0.0.1 with a few routes; counts connections and open requests. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const routes = new Map(Object.entries({ ...common, ...options.routes }));
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let open = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    open++;
    let counted = true;
    const done = () => {
      if (counted) open--;
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const handler = routes.get(path);
      if (!handler) return json(res, 404, { error: `no route ${path}` });
      Promise.resolve(handler(req, res, body, raw)).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(error) });
      });
    });
  };
  const server: Server = options.tls
    ? createHttps(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca ? { ca: options.tls.ca } : {}),
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.requestCert ?? false,
        },
        handle,
      )
    : createHttp(handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    connections: () => sockets.size,
    accepted: () => accepted,
    openRequests: () => open,
    async settled(ms = 2000) {
      const until = Date.now() + ms;
      while (open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return open;
    },
    route: (path, handler) => routes.set(path, handler),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `read` until it returns `want` (up to `ms`); resolves with the last value read. */
export async function eventually<T>(read: () => T, want: T, ms = 2000): Promise<T> {
  const until = Date.now() + ms;
  let value = read();
  while (value !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
    value = read();
  }
  return value;
}
