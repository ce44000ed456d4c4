// The bench's local server, in its own process: a small JSON answer, keep-alive.
import { createServer } from 'node:http';

const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
process.on('disconnect', () => process.exit(0));
