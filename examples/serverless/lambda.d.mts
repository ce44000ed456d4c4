import type { LambdaServer } from '../../packages/executor-serverless/test/fixtures/aws/lambda-server.mjs';

export const CREDENTIALS: Record<string, string>;
export function startLambda(): Promise<LambdaServer>;
