// Issue 7 figures, side by side in one run (needs a Redis: scripts/setup-redis.sh, and a built dist):
//  1. no-op works per second through 2 worker processes: WorkWorker vs a raw BullMQ Worker with an
//     empty processor (goal: ≥ 0.8×). The queue is filled while paused, then resumed; the clock
//     starts once WARMUP jobs are done and runs until every job is completed. Long-lived workers are
//     what a queue runs on, so this measures the steady state: 5000 jobs of warm-up, then 20000 (a
//     window of 1000 + 4000, about 0.4 s, measured mostly V8 warming up: raw BullMQ itself did 11 k
//     jobs/s there, against 16–18 k/s in the steady state).
//  2. end-to-end latency of one work on an idle queue, p50: enqueue → result() for UBOM, add →
//     waitUntilFinished for raw BullMQ.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkQueue } from '../dist/index.js';

const URL_ = process.env.UBOM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_N ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const TOTAL = N + WARMUP;
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_N ?? 100);
const WORKER = new URL('./worker.mjs', import.meta.url);
const redis = new Redis(URL_, { maxRetriesPerRequest: 3 });
const noop = (i) => ({ id: `n${i}`, type: 'noop', executor_config: {} });

async function drop(name) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${name}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

async function startWorkers(mode, name, count) {
  const children = [];
  for (let i = 0; i < count; i++) {
    const execArgv = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    const child = fork(WORKER, [mode, name, URL_, String(CONCURRENCY)], { stdio: 'inherit', execArgv });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
    });
    children.push(child);
  }
  return {
    mark: () => {
      for (const c of children) c.send('mark');
    },
    /** Closes the workers; resolves with the CPU time (µs) they spent since `mark`. */
    stop: async () => {
      const cpu = await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              let used = 0;
              c.on('message', (m) => {
                if (m && typeof m === 'object') used = m.cpuUs;
              });
              c.once('exit', () => resolve(used));
              c.send('close');
            }),
        ),
      );
      return cpu.reduce((a, b) => a + b, 0);
    },
  };
}

/** Adds N jobs to a paused queue, starts 2 workers, resumes, times until all are completed. */
async function throughput(mode) {
  const name = `bench-${mode}-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection: redis });
  await queue.pause();
  if (mode === 'raw') {
    // BENCH_RAW_SAME: raw jobs carry what WorkQueue stores (data, retention, keepLogs), to isolate the worker
    const same = process.env.BENCH_RAW_SAME
      ? (k) => ({
          name: 'noop',
          data: { v: 1, work: noop(k), context: {} },
          opts: {
            jobId: `n${k}`,
            keepLogs: 1000,
            removeOnComplete: { age: 86400 },
            removeOnFail: { age: 604800 },
          },
        })
      : (k) => ({ name: 'noop', data: { i: k } });
    for (let i = 0; i < TOTAL; i += 500)
      await queue.addBulk(Array.from({ length: Math.min(500, TOTAL - i) }, (_, j) => same(i + j)));
  } else {
    const producer = new WorkQueue({
      name,
      connection: URL_,
      telemetry: process.env.UBOM_BENCH_TELEMETRY !== '0',
    });
    for (let i = 0; i < TOTAL; i += 200)
      await Promise.all(
        Array.from({ length: Math.min(200, TOTAL - i) }, (_, j) => producer.enqueue(noop(i + j))),
      );
    await producer.close();
  }
  const workers = await startWorkers(mode, name, 2);
  await queue.resume();
  // The clock starts once WARMUP jobs are done (JIT warm on both sides) while work keeps flowing.
  while ((await queue.getCompletedCount()) < WARMUP) await new Promise((r) => setTimeout(r, 1));
  workers.mark();
  const redisCpu0 = await redisCpuUs();
  const t0 = performance.now();
  const done0 = await queue.getCompletedCount();
  while ((await queue.getCompletedCount()) < TOTAL) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  const redisCpu = (await redisCpuUs()) - redisCpu0;
  const workerCpu = await workers.stop();
  await queue.close();
  await drop(name);
  const measured = TOTAL - done0;
  return { rate: measured / seconds, workerCpuUs: workerCpu / measured, redisCpuUs: redisCpu / measured };
}

/** CPU seconds Redis has used so far, in µs (INFO cpu): load-independent cost per job. */
async function redisCpuUs() {
  const info = await redis.info('cpu');
  const get = (k) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1e6;
}

const p = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function latency(mode) {
  const name = `bench-lat-${mode}-${randomUUID().slice(0, 8)}`;
  const { stop } = await startWorkers(mode, name, 1);
  const samples = [];
  if (mode === 'raw') {
    const queue = new Queue(name, { connection: redis });
    const eventsClient = redis.duplicate({ maxRetriesPerRequest: null });
    // the queue is new: its event stream read from the start, and listened to before each add (by a job
    // id of our own), so no completion is missed (`job.waitUntilFinished` after `add` once waited for ever)
    const events = new QueueEvents(name, { connection: eventsClient, lastEventId: '0-0' });
    await events.waitUntilReady();
    const waiting = new Map();
    events.on('completed', ({ jobId }) => waiting.get(jobId)?.());
    for (let i = 0; i < LATENCY_SAMPLES + 10; i++) {
      const jobId = `lat-${i}`;
      const finished = new Promise((resolve) => waiting.set(jobId, resolve));
      const t0 = performance.now();
      await queue.add('noop', { i }, { jobId });
      await finished;
      waiting.delete(jobId);
      if (i >= 10) samples.push(performance.now() - t0);
    }
    await events.close();
    eventsClient.disconnect();
    await queue.close();
  } else {
    const producer = new WorkQueue({
      name,
      connection: URL_,
      telemetry: process.env.UBOM_BENCH_TELEMETRY !== '0',
    });
    for (let i = 0; i < LATENCY_SAMPLES + 10; i++) {
      const t0 = performance.now();
      await (await producer.enqueue(noop(i))).result();
      if (i >= 10) samples.push(performance.now() - t0);
    }
    await producer.close();
  }
  await stop();
  await drop(name);
  samples.sort((a, b) => a - b);
  return { p50: p(samples, 0.5), p90: p(samples, 0.9) };
}

const raw = [];
const ubom = [];
for (let r = 0; r < ROUNDS; r++) {
  raw.push(await throughput('raw'));
  ubom.push(await throughput('ubom'));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (runs) => ({
  rate: median(runs.map((r) => r.rate)),
  workerCpuUs: median(runs.map((r) => r.workerCpuUs)),
  redisCpuUs: median(runs.map((r) => r.redisCpuUs)),
  rounds: runs.map((r) => r.rate.toFixed(0)).join(', '),
});
const R = summary(raw);
const U = summary(ubom);
const line = (label, s, unit) =>
  `  ${label} ${s.rate.toFixed(0).padStart(6)} ${unit}  worker CPU ${s.workerCpuUs.toFixed(0).padStart(4)} µs/job, Redis CPU ${s.redisCpuUs.toFixed(0).padStart(4)} µs/job  (rounds: ${s.rounds})`;
console.log(
  `@ubom/queue-bullmq — ${N} no-op works (after ${WARMUP} to warm up), 2 worker processes × concurrency ${CONCURRENCY}, median of ${ROUNDS}`,
);
console.log(line('raw BullMQ worker, empty processor:', R, 'jobs/s '));
console.log(line('WorkWorker (registry, no-op):      ', U, 'works/s'));
console.log(
  `  throughput ratio: ${(U.rate / R.rate).toFixed(2)}×  (goal ≥ 0.80×); CPU per job (workers + Redis): ${((R.workerCpuUs + R.redisCpuUs) / (U.workerCpuUs + U.redisCpuUs)).toFixed(2)}× of raw's speed`,
);
const lr = await latency('raw');
const lu = await latency('ubom');
console.log(`end-to-end latency of one work on an idle queue (${LATENCY_SAMPLES} samples)`);
console.log(`  raw BullMQ add → waitUntilFinished: p50 ${lr.p50.toFixed(2)} ms, p90 ${lr.p90.toFixed(2)} ms`);
console.log(`  WorkQueue enqueue → result():       p50 ${lu.p50.toFixed(2)} ms, p90 ${lu.p90.toFixed(2)} ms`);
await redis.quit();
