// Runs the AWS Lambda Invoke API stand-in (from the tests) in its own process for the benchmark,
// so client and server do not share an event loop. Prints its URL, then serves until killed.
import { fileURLToPath } from 'node:url';
import { startLambdaServer } from '../test/fixtures/aws/lambda-server.mjs';

const [accessKey, secretKey] = process.argv.slice(2);
const server = await startLambdaServer({
  handlersDir: fileURLToPath(new URL('../test/fixtures/aws/functions/', import.meta.url)),
  credentials: { [accessKey]: secretKey },
  functions: { echo: { handler: 'echo.mjs', timeout: 3 } },
});
process.send?.({ url: server.url });
process.on('disconnect', () => server.close().then(() => process.exit(0)));
