import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnavailableError } from '@ubom/core';
import type { Readiness } from './readiness';

export interface WorkerEndpointsOptions {
  /** TCP port; 0 picks a free one (see `url`). */
  port: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback): `0.0.0.0` to be scraped from elsewhere. */
  host?: string;
  /** The worker `/readyz` reports on. */
  worker: { readiness(): Promise<Readiness> };
  /** Serves `/metrics` (e.g. OpenTelemetry's `PrometheusExporter.getMetricsRequestHandler`); else 404. */
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface WorkerEndpoints {
  /** `http://host:port` the server listens on. */
  readonly url: string;
  /** Stops listening and drops open connections (a scraper's keep-alive ones too). */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * `/metrics`, `/healthz` (200 while the process serves requests) and `/readyz` (200 when the worker
 * is started, Redis answers and every plugin is healthy, else 503; a JSON body with each check), for
 * Prometheus and for Kubernetes or Docker health checks.
 */
export async function serveWorkerEndpoints(options: WorkerEndpointsOptions): Promise<WorkerEndpoints> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain', 'method not allowed\n');
    } else if (path === '/healthz') send(res, 200, 'text/plain', 'ok\n');
    else if (path === '/readyz') {
      options.worker.readiness().then(
        (r) => send(res, r.ready ? 200 : 503, 'application/json', `${JSON.stringify(r)}\n`),
        (error: unknown) => send(res, 503, 'text/plain', `${String(error)}\n`),
      );
    } else if (path === '/metrics' && options.metrics) options.metrics(req, res);
    else send(res, 404, 'text/plain', 'not found: /metrics, /healthz, /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((cause: NodeJS.ErrnoException) => {
    throw new UnavailableError(
      `cannot serve /metrics, /healthz and /readyz on ${host}:${options.port}: ${cause.code ?? cause.message}`,
      { cause, scope: 'queue' },
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
