import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The tests run the real built bin: refuse to start without it rather than fail each test obscurely. */
export default function setup(): void {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter @ubom/cli build\` first`);
}
