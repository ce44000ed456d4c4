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

main(process.argv.slice(2), { handleSignals: true }).then(exit, (error: unknown) => {
  process.stderr.write(
    `[ubom] unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  exit(1);
});
