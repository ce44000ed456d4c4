import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server';

// The published builds, not ../src (run `npx tsup` first; turbo's test task builds before testing).
const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const script = (load: string, url: string) => `
${load}
const plugin = mod.createPlugin();
const work = { id: 'dist', type: 'http', executor_config: { url: ${JSON.stringify(url)}, extract: { via: '/url' } } };
Promise.resolve(plugin.validate(work)).then(() => plugin.execute(work, {})).then(async (result) => {
  await plugin.shutdown();
  process.stdout.write(JSON.stringify({ success: result.success, via: result.outputs.via, info: plugin.getPluginInfo().name }));
});`;

describe('built package', () => {
  for (const [format, load] of [
    ['cjs', "const mod = require('./dist/index.cjs');"],
    ['esm', "const mod = await import('./dist/index.js');"],
  ] as const) {
    it(`${format}: calls a local server and maps the answer`, async () => {
      const code = script(load, `${server.origin}/echo?format=${format}`);
      const args = format === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code];
      const { stdout } = await run(process.execPath, args, {
        cwd,
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      });
      expect(JSON.parse(stdout)).toEqual({
        success: true,
        via: `/echo?format=${format}`,
        info: '@ubom/executor-http',
      });
    });
  }
});
