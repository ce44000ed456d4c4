import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnhancedWorkRegistry, ValidationError } from '@ubom/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { ACCESS_KEY, awsWork, PROFILE_KEY, PROFILE_SECRET, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';

let lambda: LambdaServer;
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  lambda = await startAwsStandIn();
  dir = await mkdtemp(join(tmpdir(), 'ubom-aws-'));
});

afterAll(async () => {
  await lambda.close();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const invokes = (key: string) =>
  lambda.requests.filter((r) => r.operation === 'Invoke' && r.accessKeyId === key);

describe('aws: clients', () => {
  it('reuses one client and one keep-alive connection across works, and closes it on shutdown', async () => {
    const executor = createPlugin();
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('serverless', executor);
    const before = lambda.connections().accepted;
    // with a timeout, the function's own timeout is compared: its configuration is read once, then cached
    const timed = () => awsWork(lambda.url, { timeout: '10s' });
    for (let i = 0; i < 5; i++) expect((await registry.execute(timed())).success).toBe(true);
    expect(lambda.connections().accepted - before).toBe(1);
    const lookups = lambda.requests.filter(
      (r) => r.operation === 'GetFunctionConfiguration' && r.function === 'echo',
    );
    expect(lookups).toHaveLength(1);
    expect(lambda.connections().open).toBe(1);
    await executor.shutdown();
    // the stand-in sees the close a moment later (longer on a loaded machine)
    const until = Date.now() + 2000;
    while (lambda.connections().open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(lambda.connections().open).toBe(0);
    // usable again after shutdown: a new client is made on demand
    expect((await registry.execute(awsWork(lambda.url))).success).toBe(true);
    await executor.shutdown();
  });

  it('uses a named profile from the shared credentials file', async () => {
    const credentials = join(dir, 'credentials');
    await writeFile(
      credentials,
      `[ubom-test]\naws_access_key_id = ${PROFILE_KEY}\naws_secret_access_key = ${PROFILE_SECRET}\n`,
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    const executor = createPlugin();
    const result = await executor.execute(
      awsWork(lambda.url, { credentials: { type: 'profile', profile: 'ubom-test' } }),
      {},
    );
    await executor.shutdown();
    expect(result.success).toBe(true);
    expect(invokes(PROFILE_KEY)).toHaveLength(1);
  });

  it('uses the default provider chain (environment) when no credentials are given', async () => {
    process.env.AWS_ACCESS_KEY_ID = PROFILE_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = PROFILE_SECRET;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    const executor = createPlugin();
    const work = awsWork(lambda.url);
    delete (work.executor_config as Record<string, unknown>).credentials;
    const before = invokes(PROFILE_KEY).length;
    const result = await executor.execute(work, {});
    const explicit = await executor.execute(awsWork(lambda.url, { credentials: { type: 'default' } }), {});
    await executor.shutdown();
    expect([result.success, explicit.success]).toEqual([true, true]);
    expect(invokes(PROFILE_KEY).length - before).toBe(2);
  });

  it('takes the region from AWS_REGION, and refuses a work with no region anywhere', async () => {
    const executor = createPlugin();
    const work = awsWork(lambda.url);
    delete (work.executor_config as Record<string, unknown>).region;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await expect(executor.execute(work, {})).rejects.toThrow(ValidationError);
    await expect(executor.execute(work, {})).rejects.toThrow(/executor_config\.region: is required/);
    process.env.AWS_REGION = 'ap-south-1';
    const result = await executor.execute(work, {});
    await executor.shutdown();
    expect(result.success).toBe(true);
    expect(invokes(ACCESS_KEY).at(-1)?.region).toBe('ap-south-1');
  });
});
