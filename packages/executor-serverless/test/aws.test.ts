import {
  EnhancedWorkRegistry,
  type LogEntry,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '@ubom/core';
import { expectWellFormedResult, isAbortError, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { ACCESS_KEY, awsWork, INVOKE_ONLY_KEY, invokeOnly, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';

let lambda: LambdaServer;
let executor: ServerlessExecutor;
let registry: EnhancedWorkRegistry;

beforeAll(async () => {
  lambda = await startAwsStandIn();
  executor = createPlugin();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('serverless', executor);
});

afterAll(async () => {
  await executor.shutdown();
  await lambda.close();
});

const lastInvoke = () => lambda.requests.filter((r) => r.operation === 'Invoke').at(-1);
const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('aws: sync invocations', () => {
  it('returns the parsed payload, status code and executed version, sending work.inputs as the event', async () => {
    const result = await registry.execute(awsWork(lambda.url, {}, { inputs: { n: 1, s: 'x' } }));
    expectWellFormedResult(result);
    expect(result.success).toBe(true);
    expect(result.outputs.status_code).toBe(200);
    expect(result.outputs.executed_version).toBe('$LATEST');
    expect(result.outputs.payload).toMatchObject({ echo: { n: 1, s: 'x' }, version: '$LATEST' });
    expect(result.outputs.function_error).toBeUndefined();
    const record = lastInvoke();
    expect(record?.accessKeyId).toBe(ACCESS_KEY);
    expect(record?.region).toBe('us-east-1');
    expect(record?.logType).toBe('Tail');
    expect(result.metrics).toMatchObject({ provider: 'aws', attempts: 1 });
  });

  it('sends `payload` instead of the inputs when given', async () => {
    const result = await executor.execute(
      awsWork(lambda.url, { payload: { from: 'payload' } }, { inputs: { from: 'inputs' } }),
      {},
    );
    expect(result.outputs.payload).toMatchObject({ echo: { from: 'payload' } });
  });

  it('invokes a function named by a URL-encoded ARN, taking the region from the ARN', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:echo';
    const work = awsWork(lambda.url, { function: arn });
    delete (work.executor_config as Record<string, unknown>).region;
    const result = await registry.execute(work);
    expect(result.success).toBe(true);
    const record = lastInvoke();
    expect(record?.url).toContain(encodeURIComponent(arn));
    expect(record?.region).toBe('eu-west-1');
  });

  it('invokes a qualifier (alias) and reports the version it resolved to', async () => {
    const result = await registry.execute(awsWork(lambda.url, { qualifier: 'live' }));
    expect(result.outputs.executed_version).toBe('2');
    expect(lastInvoke()?.url).toContain('Qualifier=live');
  });

  it('decodes the tail log into entries with levels, streams them through onLog and reports billed duration', async () => {
    const live: LogEntry[] = [];
    const result = await registry.execute(
      awsWork(lambda.url, { function: 'logs' }),
      {},
      { onLog: (e) => live.push(e) },
    );
    expect(result.success).toBe(true);
    expect(result.outputs.payload).toBe('plain text answer');
    const lines = result.logs
      .filter((e) => e.source !== 'executor')
      .map((e) => [e.level, e.source, e.message]);
    expect(lines).toEqual([
      ['info', 'stdout', 'first line'],
      ['info', 'stdout', 'info line'],
      ['warn', 'stderr', 'careful: 3 items'],
      ['error', 'stderr', 'an error line'],
      ['debug', 'stdout', 'debug line'],
      ['info', 'stdout', 'multi'],
      ['info', 'stdout', 'line'],
    ]);
    expect(live.map((e) => e.message)).toEqual(result.logs.map((e) => e.message));
    expect(typeof result.metrics.billedDurationMs).toBe('number');
    expect(result.metrics.memorySizeMb).toBe(128);
  });
});

describe('aws: failures', () => {
  it('resolves success:false with the function error type and message (X-Amz-Function-Error)', async () => {
    const result = await registry.execute(
      awsWork(lambda.url, { function: 'fail', payload: { reason: 'negative' } }),
    );
    expectWellFormedResult(result);
    expect(result.success).toBe(false);
    expect(result.error).toBe('TypeError: bad input: negative');
    expect(result.outputs.function_error).toBe('Unhandled');
    expect(result.outputs.payload).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad input: negative',
    });
    expect(result.logs.map((e) => e.message)).toContain('about to fail');
  });

  it('rejects NotFoundError for a function that does not exist', async () => {
    const outcome = await settle(registry.execute(awsWork(lambda.url, { function: 'nope' })));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(NotFoundError);
      expect((outcome.error as Error).message).toMatch(/\[serverless\] Lambda function "nope" not found/);
    }
  });

  it('rejects NotFoundError for an unknown qualifier', async () => {
    await expect(registry.execute(awsWork(lambda.url, { qualifier: 'missing' }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rejects a wrong secret key as refused credentials, not retryable', async () => {
    const work = awsWork(lambda.url, {
      credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: 'not-the-right-secret-key' },
    });
    const outcome = await settle(registry.execute(work));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as UnavailableError).retryable).toBe(false);
      expect((outcome.error as Error).message).toContain('InvalidSignatureException');
    }
  });

  it('rejects UnavailableError (retryable) when no Lambda endpoint listens', async () => {
    const outcome = await settle(executor.execute(awsWork('http://127.0.0.1:9', { max_attempts: 1 }), {}));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as UnavailableError).retryable).toBe(true);
    }
  });
});

describe('aws: invocation types', () => {
  it('async: Event invocation answers 202 and the handler runs in the background', async () => {
    const result = await registry.execute(
      awsWork(lambda.url, { invocation_type: 'async', payload: { bg: true } }),
    );
    expect(result.success).toBe(true);
    expect(result.outputs.status_code).toBe(202);
    const record = lastInvoke();
    expect(record?.invocationType).toBe('Event');
    expect(record?.logType).toBeUndefined();
    await expect(record?.background).resolves.toMatchObject({ payload: { echo: { bg: true } } });
  });

  it('dry_run: DryRun answers 204 without running the handler', async () => {
    const result = await registry.execute(awsWork(lambda.url, { invocation_type: 'dry_run' }));
    expect(result.success).toBe(true);
    expect(result.outputs).toMatchObject({ status_code: 204, dry_run: true });
    const record = lastInvoke();
    expect(record?.invocationType).toBe('DryRun');
    expect(record?.log).toBeUndefined();
  });
});

describe('aws: dry run (validateWork with dryRun: true)', () => {
  it('asks Lambda for a DryRun invocation: the function exists and may be invoked, nothing runs', async () => {
    const before = lambda.requests.length;
    await expect(
      registry.validateWork(awsWork(lambda.url, { payload: { n: 1 } }), { dryRun: true }),
    ).resolves.toBeUndefined();
    const sent = lambda.requests.slice(before).filter((r) => r.operation === 'Invoke');
    expect(sent.map((r) => r.invocationType)).toEqual(['DryRun']);
  });

  it('rejects NotFoundError for a function that does not exist, and a refused longer function', async () => {
    await expect(
      registry.validateWork(awsWork(lambda.url, { function: 'nope' }), { dryRun: true }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const refused = awsWork(lambda.url, { function: 'slow', timeout: '5s', refuse_longer_functions: true });
    await expect(registry.validateWork(refused, { dryRun: true })).rejects.toThrow(
      /longer than this work's 5s/,
    );
    await expect(registry.validateWork(refused)).resolves.toBeUndefined();
  });
});

describe('aws: throttling', () => {
  it("retries 429 TooManyRequests with the SDK's backoff and reports the attempts", async () => {
    lambda.throttleNext(2);
    const result = await registry.execute(awsWork(lambda.url));
    expect(result.success).toBe(true);
    expect(result.metrics.attempts).toBe(3);
  });

  it('rejects UnavailableError (retryable) once max_attempts throttled calls are spent', async () => {
    lambda.throttleNext(2);
    const outcome = await settle(registry.execute(awsWork(lambda.url, { max_attempts: 2 })));
    lambda.throttleNext(0);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(UnavailableError);
      expect((outcome.error as UnavailableError).retryable).toBe(true);
      expect((outcome.error as Error).message).toMatch(/throttled .* after 2 attempts/);
    }
  });
});

describe('aws: timeouts and cancellation', () => {
  it("invokes a function whose own timeout is longer than the work's, with a warning and function_timeout_ms", async () => {
    const live: LogEntry[] = [];
    const result = await registry.execute(
      awsWork(lambda.url, { function: 'slow', timeout: '5s', payload: { ms: 1 } }),
      {},
      { onLog: (e) => live.push(e) },
    );
    expect(result.success).toBe(true);
    expect(result.outputs).toMatchObject({ payload: { slept: 1 }, function_timeout_ms: 60_000 });
    const warning = result.logs.find((e) => e.level === 'warn' && e.source === 'executor');
    expect(warning?.message).toMatch(
      /own timeout is 1m0?s?, longer than this work's 5s \(executor_config\.timeout\)/,
    );
    expect(live.map((e) => e.message)).toContain(warning?.message);
  });

  it('compares with work.timeout when it is the shorter one, and checks nothing without a timeout', async () => {
    const shorter = await registry.execute(
      awsWork(lambda.url, { function: 'slow', timeout: '2m', payload: { ms: 1 } }, { timeout: '10s' }),
    );
    expect(shorter.outputs.function_timeout_ms).toBe(60_000);
    expect(shorter.logs.map((e) => e.message).join('\n')).toMatch(/this work's 10s \(timeout\)/);
    const lookups = () => lambda.requests.filter((r) => r.operation === 'GetFunctionConfiguration').length;
    const before = lookups();
    const fresh = createPlugin();
    const unbounded = await fresh.execute(awsWork(lambda.url, { function: 'slow', payload: { ms: 1 } }), {});
    await fresh.shutdown();
    expect(unbounded.success).toBe(true);
    expect(unbounded.outputs.function_timeout_ms).toBeUndefined();
    expect(lookups()).toBe(before);
  });

  it('refuses such a sync call with refuse_longer_functions, hinting async, before invoking', async () => {
    const before = lambda.requests.filter((r) => r.function === 'slow' && r.operation === 'Invoke').length;
    const outcome = await settle(
      registry.execute(
        awsWork(lambda.url, { function: 'slow', timeout: '5s', refuse_longer_functions: true }),
      ),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(ValidationError);
      const issue = (outcome.error as ValidationError).issues[0];
      expect(issue?.path).toBe('executor_config.timeout');
      expect(issue?.message).toMatch(/1m0?s?.*longer than this work's 5s.*invocation_type "async"/);
    }
    const after = lambda.requests.filter((r) => r.function === 'slow' && r.operation === 'Invoke').length;
    expect(after).toBe(before);
  });

  it('allows the same function async', async () => {
    const result = await registry.execute(
      awsWork(lambda.url, { function: 'slow', timeout: '5s', invocation_type: 'async', payload: { ms: 1 } }),
    );
    expect(result.outputs.status_code).toBe(202);
  });

  it('ends a call that outlives `timeout`: success:false, timed out, and the connection is closed', async () => {
    const before = lambda.requests.length;
    const result = await registry.execute(
      awsWork(lambda.url, { function: 'slow', timeout: '400ms', credentials: invokeOnly }),
    );
    expectWellFormedResult(result);
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/timed out after 400ms/);
    expect(result.metrics.timedOut).toBe(true);
    const record = lambda.requests.slice(before).find((r) => r.operation === 'Invoke');
    expect(record?.accessKeyId).toBe(INVOKE_ONLY_KEY);
    await waitFor(() => record?.done === true);
    expect(record?.aborted).toBe(true);
    expect(lambda.inFlight()).toBe(0);
  });

  it('keeps function_timeout_ms in the result of a call that timed out', async () => {
    const result = await registry.execute(awsWork(lambda.url, { function: 'slow', timeout: '300ms' }));
    expect(result).toMatchObject({ success: false, error: 'timed out after 300ms' });
    expect(result.outputs.function_timeout_ms).toBe(60_000);
    expect(result.metrics).toMatchObject({ timedOut: true, provider: 'aws' });
  });

  it('cancels the request when the signal aborts and rejects AbortError after cleanup', async () => {
    const before = lambda.requests.length;
    const controller = new AbortController();
    const running = settle(
      registry.execute(
        awsWork(lambda.url, { function: 'slow', credentials: invokeOnly, timeout: '60s' }),
        {},
        { signal: controller.signal },
      ),
    );
    await waitFor(() =>
      lambda.requests.slice(before).some((r) => r.operation === 'Invoke' && r.event !== undefined),
    );
    controller.abort();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(isAbortError(outcome.error)).toBe(true);
    const record = lambda.requests.slice(before).find((r) => r.operation === 'Invoke');
    await waitFor(() => record?.done === true);
    expect(record?.aborted).toBe(true);
    expect(lambda.inFlight()).toBe(0);
  });
});

describe('aws: payload and timeout edge cases', () => {
  it('sends an explicit null payload as null, not the inputs', async () => {
    const result = await executor.execute(
      awsWork(lambda.url, { payload: null }, { inputs: { not: 'sent' } }),
      {},
    );
    expect(result.outputs.payload).toMatchObject({ echo: null });
  });

  it('accepts the longest timeout (596h) and refuses a longer one', async () => {
    const result = await executor.execute(awsWork(lambda.url, { timeout: '596h' }), {});
    expect(result.success).toBe(true);
    await expect(executor.execute(awsWork(lambda.url, { timeout: '1000h' }), {})).rejects.toThrow(
      /executor_config\.timeout: must be at most 596h/,
    );
  });
});
