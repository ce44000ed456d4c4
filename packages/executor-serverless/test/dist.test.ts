import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, SECRET_KEY, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';

// The published builds, not ../src: the CJS build must keep the SDK's dynamic import() working.
const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
let lambda: LambdaServer;

beforeAll(async () => {
  lambda = await startAwsStandIn();
});
afterAll(async () => lambda.close());

const script = (load: string) => `
${load}
const executor = mod.createPlugin();
const work = { id: 'dist', type: 'serverless', inputs: { via: process.argv[1] }, executor_config: {
  provider: 'aws', function: 'echo', region: 'us-east-1', endpoint: ${JSON.stringify('URL')},
  credentials: { type: 'aws_iam', access_key: '${ACCESS_KEY}', secret_key: '${SECRET_KEY}' } } };
Promise.resolve(executor.validate(work)).then(() => executor.execute(work, {})).then(async (result) => {
  await executor.shutdown();
  process.stdout.write(JSON.stringify(result.outputs.payload));
});`;

describe('built package', () => {
  for (const [format, load] of [
    ['cjs', "const mod = require('./dist/index.cjs');"],
    ['esm', "const mod = await import('./dist/index.js');"],
  ] as const) {
    it(`${format}: loads the AWS SDK lazily and invokes a function`, async () => {
      const code = script(load).replace('"URL"', JSON.stringify(lambda.url));
      const args = format === 'esm' ? ['--input-type=module', '-e', code, 'esm'] : ['-e', code, 'cjs'];
      const { stdout } = await run(process.execPath, args, {
        cwd,
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      });
      expect(JSON.parse(stdout)).toMatchObject({ echo: { via: format } });
    });
  }
});
