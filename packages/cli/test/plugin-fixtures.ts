import { mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Stand-in plugin packages for discovery tests: real packages on disk with a `ubom` manifest and an
 * ES module written with the real BasePlugin. Every module records that it was imported by writing a
 * file named after its package into $UBOM_TEST_MARKERS, so a test can tell which code was loaded.
 */

const CORE = fileURLToPath(new URL('../node_modules/@ubom/core', import.meta.url));

export interface StandIn {
  name: string;
  version?: string;
  /** The `ubom` field; omitted → a package without a manifest. */
  manifest?: Record<string, unknown>;
  /** Module source after the marker line; default: a working plugin serving the manifest's types. */
  source?: string;
}

/** A working plugin: echoes `executor_config.message` as a log line and an output. */
export function pluginSource(
  types: string[],
  options: { name?: string; health?: string; extra?: string } = {},
): string {
  return `import { BasePlugin, MetricsClock, workResult } from '@ubom/core';
class StandIn extends BasePlugin {
  getSupportedTypes() { return ${JSON.stringify(types)}; }
  async execute(work, _context, options = {}) {
    const clock = new MetricsClock();
    const message = String(work.executor_config.message);
    options.onLog?.({ timestamp: new Date().toISOString(), level: 'info', source: 'stdout', message });
    return workResult({ success: true, outputs: { message, served_by: ${JSON.stringify(options.name ?? 'stand-in')} }, metrics: clock.finish() });
  }
  async healthCheck() { ${options.health ?? ''} }
}
${options.extra ?? ''}
export function createPlugin() {
  return new StandIn(
    { name: ${JSON.stringify(options.name ?? 'stand-in')}, version: '1.2.3', apiVersion: 1 },
    { name: ${JSON.stringify(options.name ?? 'stand-in')}, description: 'a stand-in plugin', version: '1.2.3', capabilities: { cancel: false, streamLogs: true, dryRun: false } },
    { type: ${JSON.stringify(types[0])}, version: '1.0.0', config: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'], additionalProperties: false } },
  );
}
`;
}

const MARK = `import { writeFileSync as __mark } from 'node:fs';
import { join as __join } from 'node:path';
if (process.env.UBOM_TEST_MARKERS) __mark(__join(process.env.UBOM_TEST_MARKERS, import.meta.url.split('/node_modules/').pop().replace(/\\/index\\.js$/, '').replace('/', '__')), '');
`;

/** Writes a stand-in package into `dir` (a package folder). */
export function writePackage(dir: string, plugin: StandIn): void {
  mkdirSync(dir, { recursive: true });
  const pkg: Record<string, unknown> = {
    name: plugin.name,
    version: plugin.version ?? '1.2.3',
    type: 'module',
  };
  if (plugin.manifest) pkg.ubom = plugin.manifest;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const types = (plugin.manifest?.workTypes as string[] | undefined) ?? ['none'];
  writeFileSync(join(dir, 'index.js'), MARK + (plugin.source ?? pluginSource(types, { name: plugin.name })));
}

export const manifest = (workTypes: string[], apiVersion = 1) => ({
  apiVersion,
  workTypes,
  entry: './index.js',
});

export interface Project {
  root: string;
  markers: string;
  /** Package names (scope/name as scope__name) whose module was imported so far. */
  imported(): string[];
}

/** A temporary project with `node_modules/@ubom/core` linked to the real core, and a markers folder. */
export function createProject(prefix: string): Project {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const markers = join(root, '.markers');
  mkdirSync(markers);
  const core = join(root, 'node_modules', '@ubom', 'core');
  mkdirSync(dirname(core), { recursive: true });
  symlinkSync(realpathSync(CORE), core);
  return { root, markers, imported: () => readdirSync(markers).sort() };
}

/** npm / hoisted layout: the package folder directly in `node_modules`. */
export function install(project: Project, plugin: StandIn): void {
  writePackage(join(project.root, 'node_modules', plugin.name), plugin);
}

/** pnpm layout: the package in `node_modules/.pnpm/<name>@<version>/node_modules/<name>`, symlinked. */
export function installPnpm(project: Project, plugin: StandIn): void {
  const store = join(
    project.root,
    'node_modules',
    '.pnpm',
    `${plugin.name.replace('/', '+')}@${plugin.version ?? '1.2.3'}`,
    'node_modules',
  );
  writePackage(join(store, plugin.name), plugin);
  // what pnpm links beside each package: its dependencies, here the peer @ubom/core
  mkdirSync(join(store, '@ubom'), { recursive: true });
  symlinkSync(realpathSync(CORE), join(store, '@ubom', 'core'));
  const link = join(project.root, 'node_modules', plugin.name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(store, plugin.name), link);
}
