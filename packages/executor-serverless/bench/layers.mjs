// Where the executor's time goes, layer by layer: the same Lambda invoke as a raw SDK call, inside a bare
// kernel plugin (defineExecutor, no config schema), inside a kernel plugin with this package's config
// schema (parse, secrets, masking), as the full executor (driver: client cache, function-timeout check,
// log tail → log entries, outputs and metrics), and each of those through EnhancedWorkRegistry.execute.
// Calls are interleaved one by one; prints the median latency, its ratio to raw, and the client CPU per call.
import { fork } from 'node:child_process';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { defineExecutor, EnhancedWorkRegistry } from '@ubom/core';
import { createPlugin, serverlessConfigSchema } from '../dist/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const N = Number(process.env.BENCH_INVOKES ?? 800);
const ACCESS_KEY = 'AKIAUBOMBENCHKEY0001';
const SECRET_KEY = 'ubomBenchSecret/K7MDENG/bPxRfiCY00000001';

const child = fork(new URL('./lambda-child.mjs', import.meta.url), [ACCESS_KEY, SECRET_KEY], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { url } = await new Promise((resolve, reject) => {
  child.once('message', resolve);
  child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
});

const inputs = { order: 42, items: ['a', 'b', 'c'] };
const raw = new LambdaClient({
  region: 'us-east-1',
  endpoint: url,
  credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
});
const call = async (abortSignal) => {
  const command = new InvokeCommand({
    FunctionName: 'echo',
    Payload: Buffer.from(JSON.stringify(inputs)),
    LogType: 'Tail',
  });
  const out = await raw.send(command, abortSignal ? { abortSignal } : undefined);
  return JSON.parse(Buffer.from(out.Payload).toString('utf8'));
};
const kernelPlugin = (config) =>
  defineExecutor({
    name: 'layers',
    version: '1.0.0',
    type: 'serverless',
    description: 'the raw call inside the kernel',
    config,
    run: async ({ signal }) => ({ outputs: { payload: await call(signal) } }),
  })();
const bare = kernelPlugin({ type: 'object' });
const withSchema = kernelPlugin(serverlessConfigSchema);
const full = createPlugin();
const registry = (plugin) => {
  const r = new EnhancedWorkRegistry();
  r.registerExecutor('serverless', plugin);
  return r;
};
const work = {
  id: 'bench',
  type: 'serverless',
  inputs,
  executor_config: {
    provider: 'aws',
    function: 'echo',
    region: 'us-east-1',
    endpoint: url,
    credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: SECRET_KEY },
    timeout: '10s',
  },
};
const ok = (result) => {
  if (!result.success) throw new Error(result.error);
};
const through = (target) => async () => ok(await target.execute(work, {}));
const layers = {
  'raw SDK InvokeCommand': () => call(),
  'kernel, no schema': through(bare),
  '+ config schema': through(withSchema),
  'full executor': through(full),
  'registry → kernel, no schema': through(registry(bare)),
  'registry → + config schema': through(registry(withSchema)),
  'registry → full executor': through(registry(full)),
};

for (const fn of Object.values(layers)) for (let i = 0; i < 300; i++) await fn();
const latency = Object.fromEntries(Object.keys(layers).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(layers).map((k) => [k, 0]));
for (let i = 0; i < N; i++) {
  for (const [name, fn] of Object.entries(layers)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    latency[name].push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[name] += c.user + c.system;
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = median(latency['raw SDK InvokeCommand']);
console.log(`@ubom/executor-serverless layers: ${N} interleaved invokes each (${url})`);
for (const name of Object.keys(layers)) {
  const m = median(latency[name]);
  console.log(
    `${name.padEnd(30)}${`${(m * 1000).toFixed(0)} µs`.padStart(9)}${`${(m / base).toFixed(3)}×`.padStart(8)}` +
      `   cpu ${(cpu[name] / N).toFixed(0)} µs/call`,
  );
}
raw.destroy();
await full.shutdown();
child.disconnect();
