import { fileURLToPath } from 'node:url';
import type { Work } from '@ubom/core';
import { type LambdaServer, startLambdaServer } from './fixtures/aws/lambda-server.mjs';

export const ACCESS_KEY = 'AKIAUBOMTESTKEY00001';
/** The planted secret: the real secret key of the stand-in's account, so a leak would be a real one. */
export const SECRET_KEY = 'ubomPlantedSecret/K7MDENG/bPxRfiCY0000001';
export const INVOKE_ONLY_KEY = 'AKIAUBOMINVOKEONLY01';
export const INVOKE_ONLY_SECRET = 'ubomInvokeOnlySecret/K7MDENG/bPxRfi00002';
export const PROFILE_KEY = 'AKIAUBOMPROFILEKEY01';
export const PROFILE_SECRET = 'ubomProfileSecret/K7MDENG/bPxRfiCY000003';

export function startAwsStandIn(): Promise<LambdaServer> {
  return startLambdaServer({
    handlersDir: fileURLToPath(new URL('./fixtures/aws/functions/', import.meta.url)),
    credentials: {
      [ACCESS_KEY]: SECRET_KEY,
      [INVOKE_ONLY_KEY]: INVOKE_ONLY_SECRET,
      [PROFILE_KEY]: PROFILE_SECRET,
    },
    invokeOnly: [INVOKE_ONLY_KEY],
    functions: {
      echo: { handler: 'echo.mjs', timeout: 3, versions: ['1', '2'], aliases: { live: '2' } },
      fail: { handler: 'fail.mjs' },
      context: { handler: 'context.mjs' },
      logs: { handler: 'logs.mjs' },
      secret: { handler: 'secret.mjs' },
      slow: { handler: 'slow.mjs', timeout: 60 },
      'slow-short': { handler: 'slow.mjs', timeout: 1 },
    },
  });
}

let ids = 0;

/** A serverless work for the stand-in, with static keys unless the config says otherwise. */
export function awsWork(
  endpoint: string,
  config: Record<string, unknown> = {},
  extra: Partial<Work> = {},
): Work {
  return {
    id: `aws-${++ids}`,
    type: 'serverless',
    executor_config: {
      provider: 'aws',
      function: 'echo',
      region: 'us-east-1',
      endpoint,
      credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: SECRET_KEY },
      ...config,
    },
    ...extra,
  };
}

export const invokeOnly = { type: 'aws_iam', access_key: INVOKE_ONLY_KEY, secret_key: INVOKE_ONLY_SECRET };
