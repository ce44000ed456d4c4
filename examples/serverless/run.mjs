// `pnpm start`: starts the local Lambda endpoint on a free port, runs work.json (or the files given)
// through the `ubom` CLI with `endpoint` pointed at it, then stops it. Exits with the CLI's code.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startLambda } from './lambda.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));
const files = process.argv.length > 2 ? process.argv.slice(2) : ['work.json'];
const flags = (process.env.UBOM_FLAGS ?? '').split(' ').filter(Boolean);

function ubomRun(work) {
  const child = spawn(process.execPath, [CLI, 'run', '-', ...flags], {
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  child.stdin.end(JSON.stringify(work));
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const lambda = await startLambda();
let exitCode = 0;
try {
  for (const file of files) {
    const work = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
    work.executor_config.endpoint = lambda.url;
    console.log(`\n$ ubom run ${file}   # endpoint ${lambda.url}`);
    const code = await ubomRun(work);
    if (code !== 0 && exitCode === 0) exitCode = code;
  }
} finally {
  await lambda.close();
}
process.exitCode = exitCode;
