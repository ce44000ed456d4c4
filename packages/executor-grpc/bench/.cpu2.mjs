import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { EnhancedWorkRegistry } from '@ubom/core';
import { createPlugin } from '../dist/index.js';

const SERVER = '/work/main/packages/executor-grpc/test/fixtures/server.mjs';
const child = spawn(process.execPath, [SERVER, '{}'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => child.stdout.once('data', (c) => r(JSON.parse(String(c)).port)));
const address = `127.0.0.1:${port}`;
const plugin = createPlugin();
await plugin.initialize({});
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('grpc', plugin);
const REQUEST = {
  message: 'hello',
  big_number: '1234567890123',
  mood: 'HAPPY',
  tags: ['a', 'b'],
  inner: { note: 'n' },
};
const work = {
  id: 'bench',
  type: 'grpc',
  executor_config: {
    endpoint: address,
    method: 'demo.v1.Echo/Unary',
    tls: { enabled: false },
    request: REQUEST,
  },
};
const definition = protoLoader.loadSync('demo/v1/echo.proto', {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: ['/work/main/packages/executor-grpc/test/fixtures/protos'],
});
const Echo = grpc.loadPackageDefinition(definition).demo.v1.Echo;
const client = new Echo(address, grpc.credentials.createInsecure());
const opts = { 'grpc.use_local_subchannel_pool': 1, 'grpc.service_config_disable_resolution': 1 };
const raw = new grpc.Client(address, grpc.credentials.createInsecure(), opts);
const reqDef = definition['demo.v1.Echo'].Unary;
const reqBytes = reqDef.requestSerialize(REQUEST);
const calls = {
  static: () => new Promise((res, rej) => client.Unary(REQUEST, (e, v) => (e ? rej(e) : res(v)))),
  raw: () =>
    new Promise((res, rej) =>
      raw.makeUnaryRequest(
        '/demo.v1.Echo/Unary',
        (b) => b,
        (b) => b,
        reqBytes,
        new grpc.Metadata(),
        {},
        (e, v) => (e ? rej(e) : res(v)),
      ),
    ),
  direct: () => plugin.execute(work, {}),
  registry: () => registry.execute(work, {}),
};
async function run(name, n) {
  const call = calls[name];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (done < n) {
        done++;
        await call();
      }
    }),
  );
  const cpu = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  return { name, rate: (done / wall) * 1000, cpu: (cpu.user + cpu.system) / done };
}
const names = process.argv[2] ? [process.argv[2]] : Object.keys(calls);
for (const n of names) await run(n, 2000);
const res = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 4; i++) for (const n of names) res[n].push(await run(n, 4000));
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const n of names)
  console.log(
    n.padEnd(9),
    'rate',
    med(res[n].map((r) => r.rate)).toFixed(0),
    'cpu/call',
    med(res[n].map((r) => r.cpu)).toFixed(1),
    'µs',
  );
await plugin.shutdown();
client.close();
raw.close();
child.kill();
