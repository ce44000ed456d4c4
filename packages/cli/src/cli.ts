#!/usr/bin/env node
import { main } from './main';

// A reader that went away (`ubom types | head -1`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const exit = (code: number): void => {
  process.exitCode = code;
  // Flush both streams, then exit even if a plugin left a handle open.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
};

// The core's deadlines use unref'd timers; a plugin stuck on a promise that holds no handle would let the
// event loop drain and the process exit 0 before its deadline fires. Hold the loop open until main settles.
const keepAlive = setInterval(() => {}, 60_000);

main(process.argv.slice(2), { handleSignals: true })
  .finally(() => clearInterval(keepAlive))
  .then(exit, (error: unknown) => {
    process.stderr.write(
      `[ubom] unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    exit(1);
  });
