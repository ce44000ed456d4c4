import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOptions } from '../src/engine';
import { createPlugin } from '../src/executor';
import { dockerPluginConfigSchema } from '../src/plugin-config';
import { type Certs, makeCerts } from './support/certs';
import { countManaged, dockerWork } from './support/docker';
import { type EngineProxy, silentEngine, tcpEngine, tlsEngine, unixEngine } from './support/proxy';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string; issues?: { path: string; message: string }[] },
  );

const echo = dockerWork({ command: ['sh', '-c', 'echo remote; echo err >&2'] });

let certs: Certs;
let tls: EngineProxy;
let tcp: EngineProxy;
beforeAll(async () => {
  certs = makeCerts();
  tls = await tlsEngine({ ca: certs.ca, cert: certs.serverCert, key: certs.serverKey });
  tcp = await tcpEngine();
});
afterAll(async () => {
  await Promise.all([tls.close(), tcp.close()]);
  rmSync(certs.dir, { recursive: true, force: true });
  expect(await countManaged()).toBe(0);
});

describe('choosing the engine', () => {
  it('drives a remote engine over mutual TLS (host + ca/cert/key as PEM text)', async () => {
    const executor = createPlugin();
    await executor.initialize({
      host: `tcp://127.0.0.1:${tls.port}`,
      tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
      sweep_orphans: false,
    });
    await executor.healthCheck();
    const result = await executor.execute(echo, {});
    expect(result.success).toBe(true);
    expect(
      result.logs
        .filter((l) => l.source !== 'executor')
        .map((l) => `${l.source}:${l.message}`)
        .sort(),
    ).toEqual(['stderr:err', 'stdout:remote']);
    await executor.state.idle();
    expect(await countManaged()).toBe(0);
  });

  it('reads the certificates from a DOCKER_CERT_PATH-style folder', async () => {
    const executor = createPlugin();
    await executor.initialize({
      host: '127.0.0.1',
      port: tls.port,
      tls: { cert_path: certs.dir },
      sweep_orphans: false,
    });
    expect((await executor.execute(echo, {})).success).toBe(true);
    await executor.shutdown();
  });

  it('refuses an engine whose certificate the CA did not sign: UNAVAILABLE', async () => {
    const executor = createPlugin();
    const error = await failure(
      executor.initialize({
        host: `tcp://127.0.0.1:${tls.port}`,
        tls: { ca: certs.otherCa, cert: certs.clientCert, key: certs.clientKey },
      }),
    );
    expect(error?.code).toBe('UNAVAILABLE');
    expect(error?.message).toMatch(
      new RegExp(
        `^\\[ubom\\] \\[docker\\] the Docker Engine at https://127.0.0.1:${tls.port} is unavailable`,
      ),
    );
  });

  it('drives a plain TCP engine given as DOCKER_HOST', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${tcp.port}`;
    try {
      const executor = createPlugin();
      await executor.initialize({ sweep_orphans: false });
      expect(executor.state.engine.address).toBe(`tcp://127.0.0.1:${tcp.port}`);
      expect((await executor.execute(echo, {})).success).toBe(true);
      await executor.shutdown();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('maps DOCKER_HOST-style hosts to dockerode options', () => {
    const opts = (raw: Record<string, unknown>) => engineOptions(dockerPluginConfigSchema.parse(raw));
    expect(opts({ host: 'tcp://10.0.0.5:2375' })).toMatchObject({
      options: { host: '10.0.0.5', port: 2375, protocol: 'http' },
      address: 'http://10.0.0.5:2375',
    });
    expect(opts({ host: 'docker.internal', tls: { ca: certs.ca } }).options).toMatchObject({
      host: 'docker.internal',
      port: 2376,
      protocol: 'https',
    });
    expect(opts({ host: 'unix:///run/user/1000/docker.sock' }).options).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(opts({ socket_path: '/var/run/docker.sock', api_version: '1.41' }).options).toMatchObject({
      socketPath: '/var/run/docker.sock',
      version: 'v1.41',
    });
  });
});

describe('an engine that is not there answers quickly, never hangs', () => {
  it('a missing socket: initialize rejects with UNAVAILABLE, and the plugin is not set up', async () => {
    const executor = createPlugin();
    const init = await failure(executor.initialize({ socket_path: '/tmp/ubom-no-such-docker.sock' }));
    expect(init?.code).toBe('UNAVAILABLE');
    expect(init?.message).toBe(
      '[ubom] [docker] the Docker Engine at unix:///tmp/ubom-no-such-docker.sock is unavailable: no such socket',
    );
    expect(() => executor.state).toThrow(/not set up/);
  });

  it('an engine socket that disappears: healthCheck and execute reject with UNAVAILABLE (retryable)', async () => {
    const path = join(tmpdir(), `ubom-docker-${process.pid}.sock`);
    const socket = await unixEngine(path);
    const executor = createPlugin();
    await executor.initialize({ socket_path: path, sweep_orphans: false });
    await socket.close();
    const health = await failure(executor.healthCheck());
    expect(health?.code).toBe('UNAVAILABLE');
    // "no such socket", or a broken pipe when the socket of an earlier call is reused
    expect(health?.message).toMatch(
      new RegExp(`^\\[ubom\\] \\[docker\\] the Docker Engine at unix://${path} is unavailable: `),
    );
    const run = await failure(executor.execute(echo, {}));
    expect(run?.code).toBe('UNAVAILABLE');
    expect((run as { retryable?: boolean }).retryable).toBe(true);
    await executor.shutdown();
  });

  it('an engine that accepts connections but never answers: UNAVAILABLE after request_timeout', async () => {
    const silent = await silentEngine();
    try {
      const init = await failure(
        createPlugin().initialize({ host: `tcp://127.0.0.1:${silent.port}`, request_timeout: '300ms' }),
      );
      expect(init?.code).toBe('UNAVAILABLE');
      expect(init?.message).toMatch(/no answer in time$/);
    } finally {
      await silent.close();
    }
    // an engine that answered at initialize, and hangs by the time a work runs
    const hanging = await tcpEngine();
    try {
      const executor = createPlugin();
      await executor.initialize({
        host: `tcp://127.0.0.1:${hanging.port}`,
        request_timeout: '300ms',
        sweep_orphans: false,
      });
      hanging.silence();
      const run = await failure(executor.execute(echo, {}));
      expect(run?.code).toBe('UNAVAILABLE');
      expect(run?.message).toMatch(/no answer in time$/);
      await executor.shutdown();
    } finally {
      await hanging.close();
    }
  });
});

describe('plugin config', () => {
  it('reports every problem with its path', async () => {
    const error = await failure(
      createPlugin().initialize({
        socket_path: '/var/run/docker.sock',
        host: 'tcp://10.0.0.5:2376',
        allowed_host_paths: ['data'],
        sweep_orphan: true,
      }),
    );
    expect(error?.code).toBe('VALIDATION');
    expect(error?.issues).toEqual(
      expect.arrayContaining([
        { path: 'config.sweep_orphan', message: 'unknown key — did you mean "sweep_orphans"?' },
        { path: 'config.allowed_host_paths[0]', message: 'must be an absolute path' },
        { path: 'config.host', message: 'give either socket_path or host, not both' },
      ]),
    );
    expect(error?.issues).toHaveLength(3);
  });

  it('refuses tls or port without a host', async () => {
    const error = await failure(createPlugin().initialize({ tls: { ca: 'x' }, port: 2376 }));
    expect(error?.issues?.map((i) => i.path)).toEqual(['config.tls', 'config.port']);
  });

  it('never shows the TLS key in an error', async () => {
    const key = '-----BEGIN PRIVATE KEY-----\nnot-really-a-key-9f8e7d\n-----END PRIVATE KEY-----';
    const error = await failure(
      createPlugin().initialize({
        host: 'tcp://127.0.0.1:1',
        tls: { ca: certs.ca, cert: certs.clientCert, key },
      }),
    );
    expect(error?.code).toBe('UNAVAILABLE');
    expect(`${error?.message}${error?.stack}${String(error?.cause)}`).not.toContain('not-really-a-key');
  });
});
