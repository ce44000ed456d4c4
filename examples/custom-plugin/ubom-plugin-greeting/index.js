// A third-party UBOM plugin in plain JavaScript: no build step. Its package.json carries the `ubom`
// manifest (apiVersion, workTypes, entry) that `ubom plugins list` reads without importing this file;
// the CLI imports it only when a `greeting` work runs. The config is described once, as JSON Schema
// (schema.json): the core validates every work against it before `execute` is called.
import { readFileSync } from 'node:fs';
import {
  BasePlugin,
  LogCollector,
  MetricsClock,
  parseDuration,
  sleep,
  throwIfAborted,
  workResult,
} from '@ubom/core';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const config = JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8'));

const GREETINGS = { en: 'Hello', fr: 'Bonjour', de: 'Hallo', es: 'Hola' };

export class GreetingPlugin extends BasePlugin {
  constructor() {
    super(
      { name: pkg.name, version: pkg.version, apiVersion: 1, description: pkg.description },
      {
        name: 'greeting',
        description: 'Greets someone, one line at a time',
        version: pkg.version,
        capabilities: { cancel: true, streamLogs: true, dryRun: false },
      },
      {
        type: 'greeting',
        version: '1.0.0',
        config,
        outputs: { type: 'object', properties: { greeting: { type: 'string' }, lines: { type: 'integer' } } },
      },
    );
  }

  /** Prints `times` greetings, `interval` apart; stops and rejects with AbortError when cancelled. */
  async execute(work, _workContext, options = {}) {
    const clock = new MetricsClock();
    const logs = new LogCollector({ onLog: options.onLog });
    const { name, language = 'en', times = 1, interval = 0 } = work.executor_config;
    const greeting = `${GREETINGS[language]}, ${name}!`;
    const pause = parseDuration(interval) ?? 0;
    for (let i = 0; i < times; i++) {
      throwIfAborted(options.signal, 'greeting');
      if (i > 0) await sleep(pause, options.signal);
      logs.add('info', 'stdout', greeting);
    }
    return workResult({
      success: true,
      outputs: { greeting, lines: times },
      logs: logs.entries(),
      metrics: clock.finish({ lines: times }),
    });
  }
}

/** What discovery calls: one new plugin instance. */
export function createPlugin() {
  return new GreetingPlugin();
}
