// `pnpm start`: starts the example server on a free port, runs each work file through the `ubom` CLI
// (the endpoint pointed at that port), then stops the server. Exits with the first failing CLI code.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['say-hello.json', 'countdown.json'];

/** `ubom run -` with the work on stdin; its output goes straight to ours. */
function ubomRun(work) {
  const child = spawn(process.execPath, [CLI, 'run', '-'], { stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.end(JSON.stringify(work));
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const server = await startServer(0);
let exitCode = 0;
try {
  for (const file of files) {
    const work = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
    work.executor_config.endpoint = `127.0.0.1:${server.port}`;
    console.log(`\n$ ubom run ${file}   # endpoint 127.0.0.1:${server.port}`);
    const code = await ubomRun(work);
    if (code !== 0 && exitCode === 0) exitCode = code;
  }
} finally {
  await server.close();
}
process.exitCode = exitCode;
