// The local endpoint: a stand-in for the AWS Lambda Invoke API that runs the real handlers in
// ./functions. It is the one the executor's own tests use (SigV4-checked, `LogType: Tail` logs,
// function errors), imported from there rather than copied.
import { fileURLToPath } from 'node:url';
import { startLambdaServer } from '../../packages/executor-serverless/test/fixtures/aws/lambda-server.mjs';

/** The example account's key pair: the stand-in checks every request's SigV4 signature with it. */
export const CREDENTIALS = { AKIAUBOMEXAMPLE00001: 'exampleSecretKey/ubom/K7MDENG/bPxRfiCY01' };

export function startLambda() {
  return startLambdaServer({
    handlersDir: fileURLToPath(new URL('./functions/', import.meta.url)),
    credentials: CREDENTIALS,
    functions: { greet: { handler: 'greet.mjs', timeout: 5 } },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lambda = await startLambda();
  console.log(`Lambda Invoke API stand-in on ${lambda.url}; Ctrl-C to stop`);
  process.once('SIGINT', () => lambda.close().then(() => process.exit(0)));
}
