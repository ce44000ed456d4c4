import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WorkQueue } from '@ubom/queue-bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRun, cleanEnv, nodeWork } from './helpers';
import { attributesOf, OtlpReceiver } from './otlp-receiver';

const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));
// scripts/setup-prometheus.sh: Prometheus on PROMETHEUS_PORT scraping UBOM_METRICS_TARGET every second
const PROMETHEUS = `http://127.0.0.1:${process.env.PROMETHEUS_PORT ?? '9090'}`;
const METRICS_TARGET = process.env.UBOM_METRICS_TARGET ?? '127.0.0.1:9464';

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Polls `check` until it returns a value (bounded: the test fails with `what` rather than hanging). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of this test alone (not daemonized: it ends with the test), answering once this resolves. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  children.push(redis);
  await eventually('redis-server to answer', async () =>
    execFileSync('redis-cli', ['-p', String(port), 'ping'])
      .toString()
      .trim() === 'PONG'
      ? true
      : undefined,
  );
  return redis;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** `ubom worker --metrics-port …` and the URL its ready line gives (no OTEL_* variable but `otel`'s). */
async function startWorker(
  args: string[],
  redisUrl: string,
  otel: Record<string, string> = {},
): Promise<{ worker: CliRun; url: string }> {
  const env = cleanEnv({ UBOM_REDIS_URL: redisUrl, UBOM_QUEUE: `ubom-metrics-${randomUUID()}` });
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
  Object.assign(env, otel);
  const worker = new CliRun(['worker', ...args], { env });
  children.push(worker.child);
  const [, url = ''] = await worker.waitFor('stderr', /ready .* metrics=(http:\/\/\S+)/);
  return { worker, url };
}

describe('ubom worker --metrics-port: /healthz, /readyz, /metrics', () => {
  beforeAll(() => {
    execFileSync('bash', [`${SCRIPTS}setup-redis.sh`], { stdio: 'ignore' });
  }, 180_000);

  it('says ready while Redis answers, not ready (alive all the same) while it does not, and closes with the worker', async () => {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    const { worker, url } = await startWorker(['--metrics-port', '0'], `redis://127.0.0.1:${redisPort}`);

    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { worker: 'ok', redis: 'ok', plugins: {} } });
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/^target_info\{.*service_name="ubom"/m);

    await stop(redis, 'SIGKILL');
    const down = await eventually('/readyz to fail', async () => {
      const res = await fetch(`${url}/readyz`);
      return res.status === 503
        ? ((await res.json()) as { ready: boolean; checks: { redis: string } })
        : undefined;
    });
    expect(down.ready).toBe(false);
    expect(down.checks.redis).not.toBe('ok');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    redis = await startRedis(redisPort);
    await eventually('/readyz to recover', async () =>
      (await fetch(`${url}/readyz`)).status === 200 ? true : undefined,
    );

    worker.child.kill('SIGTERM');
    expect((await worker.done).code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await stop(redis, 'SIGTERM');
  }, 90_000);

  it('with OTEL_METRICS_EXPORTER=otlp, exports the metrics over OTLP/HTTP (protobuf) while /metrics serves them too', async () => {
    const receiver = await OtlpReceiver.start();
    const redisUrl = 'redis://127.0.0.1:6379';
    let queue: WorkQueue | undefined;
    let name = '';
    try {
      const { worker, url } = await startWorker(['--metrics-port', String(await freePort())], redisUrl, {
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      });
      name = /queue=(\S+)/.exec(worker.stderr)?.[1] ?? '';
      queue = new WorkQueue({ name, connection: redisUrl });
      const handle = await queue.enqueue(nodeWork('', {}, { id: 'otlp-beside-prometheus' }) as never);
      expect((await handle.result()).success).toBe(true);

      // exported by the periodic reader while the worker runs, not only by the flush on its way out
      const point = await eventually('the OTLP export of the work', async () => {
        const durations = receiver.metrics.filter((m) => m.name === 'ubom.work.duration');
        return durations
          .flatMap((m) => m.histogram?.dataPoints ?? [])
          .find((p) => p.count === '1' && attributesOf(p.attributes)['ubom.work.outcome'] === 'success');
      });
      expect(attributesOf(point.attributes)).toEqual({
        'ubom.work.type': 'process',
        'ubom.work.outcome': 'success',
      });
      expect(receiver.requests).toContainEqual({
        path: '/v1/metrics',
        contentType: 'application/x-protobuf',
      });
      expect(receiver.requests.map((r) => r.path)).not.toContain('/v1/traces');

      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(
        /^ubom_work_duration_seconds_count\{(?=[^}]*ubom_work_type="process")(?=[^}]*ubom_work_outcome="success")[^}]*\} 1$/m,
      );

      worker.child.kill('SIGTERM');
      const { code, stderr } = await worker.done;
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/telemetry/);
    } finally {
      await queue?.close();
      await receiver.close();
      if (name) {
        const keys = execFileSync('redis-cli', ['--scan', '--pattern', `bull:${name}:*`])
          .toString()
          .split('\n')
          .filter(Boolean);
        if (keys.length > 0) execFileSync('redis-cli', ['del', ...keys]);
      }
    }
  }, 60_000);

  it('is scraped by a real Prometheus: ubom_work_duration_seconds_count counts the works', async () => {
    execFileSync('bash', [`${SCRIPTS}setup-prometheus.sh`], { stdio: 'ignore' });
    const since = Date.now() / 1000;
    const [host = '127.0.0.1', port = '9464'] = METRICS_TARGET.split(':');
    const redisUrl = 'redis://127.0.0.1:6379';
    const { worker } = await startWorker(['--metrics-port', port, '--metrics-host', host], redisUrl);
    const name = /queue=(\S+)/.exec(worker.stderr)?.[1] ?? '';
    const queue = new WorkQueue({ name, connection: redisUrl });
    try {
      const handles = await Promise.all(
        [1, 2, 3].map((i) => queue.enqueue(nodeWork('', {}, { id: `scraped-${i}` }) as never)),
      );
      for (const handle of handles) expect((await handle.result()).success).toBe(true);
    } finally {
      await queue.close();
    }
    const query = 'sum(ubom_work_duration_seconds_count{job="ubom-worker",ubom_work_outcome="success"})';
    const [at, value] = await eventually(
      'Prometheus to have scraped the three works',
      async () => {
        const res = await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(query)}`);
        const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
        const sample = body.data.result[0]?.value;
        return sample?.[1] === '3' ? sample : undefined;
      },
      30_000,
    );
    expect(value).toBe('3');
    expect(at).toBeGreaterThan(since);
    worker.child.kill('SIGTERM');
    expect((await worker.done).code).toBe(0);
  }, 240_000);
});
