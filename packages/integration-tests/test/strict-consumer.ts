import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * A TypeScript project as a strict user writes one (`strict: true`, `skipLibCheck: false`): it imports
 * every library package, from ESM (`.mts`: the `import` types) and from CommonJS (`.cts`: the `require`
 * types), and writes one typed work per built-in type. The `@ts-expect-error` lines only hold while the
 * executors' `declare module '@ubom/core'` augmentations survive in the packed .d.ts: without them a
 * misspelled key compiles, and tsc reports the directive as unused.
 */

const ESM = `import * as cli from '@ubom/cli';
import { defineWork, EnhancedWorkRegistry, type Work } from '@ubom/core';
import { createPlugin as docker } from '@ubom/executor-docker';
import { createPlugin as grpc } from '@ubom/executor-grpc';
import { createPlugin as http } from '@ubom/executor-http';
import { createPlugin as processExecutor } from '@ubom/executor-process';
import { createPlugin as serverless } from '@ubom/executor-serverless';
import { createPlugin as ssh } from '@ubom/executor-ssh';
import * as queue from '@ubom/queue-bullmq';
import * as testkit from '@ubom/testkit';

export const works: Work[] = [
  defineWork({ id: 'p', type: 'process', executor_config: { command: ['echo', 'hi'] } }),
  defineWork({ id: 'd', type: 'docker', executor_config: { image: 'busybox:1.36', command: 'echo hi' } }),
  defineWork({ id: 'g', type: 'grpc', executor_config: { endpoint: 'localhost:50051', method: 'pkg.Svc/Call' } }),
  defineWork({ id: 's', type: 'serverless', executor_config: { provider: 'aws', function: 'f', region: 'us-east-1' } }),
  defineWork({ id: 'h', type: 'http', executor_config: { url: 'https://example.com', method: 'POST' } }),
  defineWork({ id: 'x', type: 'ssh', executor_config: { host: 'h', username: 'u', agent: true, command: 'uptime' } }),
  defineWork({ id: 'o', type: 'a-third-party-type', executor_config: { anything: 1 } }),
];

// @ts-expect-error: \`imag\` is not a key of a docker config (WorkTypes is augmented)
defineWork({ id: 'typo', type: 'docker', executor_config: { imag: 'busybox' } });

const registry = new EnhancedWorkRegistry();
for (const plugin of [processExecutor(), docker(), grpc(), serverless(), http(), ssh()])
  for (const type of plugin.getSupportedTypes()) registry.registerExecutor(type, plugin);
// @ts-expect-error: registry.execute checks a config the same way
void registry.execute({ id: 'typo', type: 'process', executor_config: { comand: ['true'] } });

export const used = [cli.main, queue, testkit.describeExecutorConformance];
`;

/** The same from CommonJS, without @ubom/testkit (ESM only, as vitest is). */
const CJS = ESM.replace(/^import \* as testkit .*\n/m, '').replace(
  ', testkit.describeExecutorConformance',
  '',
);

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    types: ['node'],
  },
  files: ['consumer.mts', 'consumer.cts'],
};

/** The versions the workspace itself builds with (already in npm's cache, nothing new to resolve). */
export function workspaceVersion(name: string): string {
  const pkg = new URL(`../../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** Writes the consumer's sources and tsconfig.json into `dir`. */
export function writeStrictConsumer(dir: string): void {
  writeFileSync(join(dir, 'consumer.mts'), ESM);
  writeFileSync(join(dir, 'consumer.cts'), CJS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
}
