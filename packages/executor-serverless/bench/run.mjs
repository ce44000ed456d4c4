// Executor vs raw SDK: 1000 sequential AWS Lambda invokes against the same local Invoke API stand-in.
// Executor: EnhancedWorkRegistry.execute (schema validation, secret masking) → the serverless plugin (kernel)
// → cached LambdaClient → InvokeCommand (LogType Tail, logs decoded). Raw: one LambdaClient, InvokeCommand
// with the same parameters. Calls are interleaved one by one so drift hits both alike. Target ≤ 1.10×.
import { fork } from 'node:child_process';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { EnhancedWorkRegistry } from '@ubom/core';
import { createPlugin } from '../dist/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const N = Number(process.env.BENCH_INVOKES ?? 1000);
const WARMUP = 200;
const ACCESS_KEY = 'AKIAUBOMBENCHKEY0001';
const SECRET_KEY = 'ubomBenchSecret/K7MDENG/bPxRfiCY00000001';
const REGION = 'us-east-1';

const child = fork(new URL('./lambda-child.mjs', import.meta.url), [ACCESS_KEY, SECRET_KEY], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { url } = await new Promise((resolve, reject) => {
  child.once('message', resolve);
  child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
});

const inputs = { order: 42, items: ['a', 'b', 'c'] };
const raw = new LambdaClient({
  region: REGION,
  endpoint: url,
  credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
});
const rawInvoke = async () => {
  const out = await raw.send(
    new InvokeCommand({
      FunctionName: 'echo',
      Payload: Buffer.from(JSON.stringify(inputs)),
      LogType: 'Tail',
    }),
  );
  if (out.FunctionError || out.StatusCode !== 200) throw new Error('raw invoke failed');
  JSON.parse(Buffer.from(out.Payload).toString('utf8'));
};

// informative: the same raw call with an abortSignal, as any caller that can cancel a call passes one
// (the executor always does: cancel, timeouts and shutdown end the request through it)
const rawSignalInvoke = async () => {
  const out = await raw.send(
    new InvokeCommand({
      FunctionName: 'echo',
      Payload: Buffer.from(JSON.stringify(inputs)),
      LogType: 'Tail',
    }),
    { abortSignal: new AbortController().signal },
  );
  if (out.FunctionError || out.StatusCode !== 200) throw new Error('raw invoke failed');
  JSON.parse(Buffer.from(out.Payload).toString('utf8'));
};

const executor = createPlugin();
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('serverless', executor);
// the seed's serverless example: static keys (writeOnly, so the registry masks) and the executor's own timeout
const work = {
  id: 'bench',
  type: 'serverless',
  inputs,
  executor_config: {
    provider: 'aws',
    function: 'echo',
    region: REGION,
    endpoint: url,
    credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: SECRET_KEY },
    timeout: '10s',
  },
};
const executorInvoke = async () => {
  const result = await registry.execute(work, {});
  if (!result.success) throw new Error(`executor invoke failed: ${result.error}`);
};
// informative: the same work with a registry-level work.timeout too (the registry then arms its own timer)
const timedWork = { ...work, timeout: '30s' };
const timedInvoke = async () => {
  const result = await registry.execute(timedWork, {});
  if (!result.success) throw new Error(`executor invoke failed: ${result.error}`);
};
// informative: the executor called directly, without the registry in front
const directInvoke = async () => {
  const result = await executor.execute(work, {});
  if (!result.success) throw new Error(`executor invoke failed: ${result.error}`);
};

async function block(fn, count) {
  for (let i = 0; i < count; i++) await fn();
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  return {
    median: pct(s, 50),
    p90: pct(s, 90),
    p99: pct(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
};

await block(rawInvoke, WARMUP);
await block(rawSignalInvoke, WARMUP);
await block(executorInvoke, WARMUP);
await block(directInvoke, WARMUP);
await block(timedInvoke, WARMUP);
const rawSamples = [];
const rawSignalSamples = [];
const exSamples = [];
const directSamples = [];
const timedSamples = [];
// interleaved call by call (raw, registry, direct, …) so load changes on a shared machine hit all alike
const timed = async (fn, samples) => {
  const t0 = performance.now();
  await fn();
  samples.push(performance.now() - t0);
};
for (let i = 0; i < N; i++) {
  await timed(rawInvoke, rawSamples);
  await timed(rawSignalInvoke, rawSignalSamples);
  await timed(executorInvoke, exSamples);
  await timed(directInvoke, directSamples);
  await timed(timedInvoke, timedSamples);
}

const r = stats(rawSamples);
const rs = stats(rawSignalSamples);
const e = stats(exSamples);
const d = stats(directSamples);
const t = stats(timedSamples);
const fmt = (ms) => `${ms.toFixed(3)} ms`.padStart(11);
const row = (name, x) =>
  console.log(`${name.padEnd(30)}${fmt(x.median)}${fmt(x.p90)}${fmt(x.p99)}${fmt(x.mean)}`);
console.log(
  `@ubom/executor-serverless bench: ${N} sequential Lambda invokes each, local Invoke API stand-in (${url})`,
);
console.log(
  `${''.padEnd(30)}${'median'.padStart(11)}${'p90'.padStart(11)}${'p99'.padStart(11)}${'mean'.padStart(11)}`,
);
row('raw SDK InvokeCommand', r);
row('  same + abortSignal', rs);
row('executor (registry.execute)', e);
row('  same + work.timeout "30s"', t);
row('  executor.execute (direct)', d);
const ratio = e.median / r.median;
const verdict = ratio <= 1.1 ? 'OK' : 'OVER TARGET';
console.log(`median latency ratio executor/raw: ${ratio.toFixed(3)}× (target ≤ 1.10×) ${verdict}`);
console.log(
  `  with work.timeout: ${(t.median / r.median).toFixed(3)}×, direct: ${(d.median / r.median).toFixed(3)}×, ` +
    `raw + abortSignal: ${(rs.median / r.median).toFixed(3)}×`,
);

raw.destroy();
await executor.shutdown();
child.disconnect();
