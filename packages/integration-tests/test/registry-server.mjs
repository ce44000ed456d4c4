// Verdaccio, the npm registry of the release test: `node registry-server.mjs CONFIG.yaml`.
// Listens on a free loopback port and prints `listening <url>` once it accepts requests. Stops when
// its stdin closes (the test that started it ended, or died) or on SIGTERM / SIGINT: nothing outlives
// the test.
import { createRequire } from 'node:module';

const { runServer } = createRequire(import.meta.url)('verdaccio');

const server = await runServer(process.argv[2]);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}/\n`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5000).unref();
};
process.stdin.on('end', stop).on('error', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
