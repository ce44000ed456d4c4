// A third-party UBOM plugin in plain JavaScript: no build step. Its package.json carries the `ubom`
// manifest (apiVersion, workTypes, entry) that `ubom plugins list` reads without importing this file;
// the CLI imports it only when a `greeting` work runs. The config is described once, as JSON Schema
// (schema.json): the kernel validates every work against it before `run` is called, and does the
// rest (log numbering and streaming, secret masking, `timeout`, stopping running works on cancel and
// shutdown through `signal`).
import { readFileSync } from 'node:fs';
import { defineExecutor, parseDuration, sleep } from '@ubom/core';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const config = JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8'));

const GREETINGS = { en: 'Hello', fr: 'Bonjour', de: 'Hallo', es: 'Hola' };

/** What discovery calls: one new plugin instance. Prints `times` greetings, `interval` apart. */
export const createPlugin = defineExecutor({
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  type: 'greeting',
  config,
  async run({ config, log, signal }) {
    const { name, language = 'en', times = 1, interval = 0 } = config;
    const greeting = `${GREETINGS[language]}, ${name}!`;
    const pause = parseDuration(interval) ?? 0;
    for (let i = 0; i < times; i++) {
      if (i > 0) await sleep(pause, signal); // rejects at once when the work is stopped
      log('info', greeting, 'stdout');
    }
    return { outputs: { greeting, lines: times }, metrics: { lines: times } };
  },
});
