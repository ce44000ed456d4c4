import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, installCliCopy, runNode, ubom } from './helpers';
import { createProject, install, installPnpm, manifest, type Project, pluginSource } from './plugin-fixtures';

/*
 * A project with stand-in plugins installed the ways npm and pnpm lay them out, some of them broken in
 * each way discovery must report. The CLI is the real built bin, run from the project (or a folder
 * below it); the embedded process executor is found from the CLI's own folder.
 */
let project: Project;
let deep = '';

beforeAll(() => {
  project = createProject('ubom-plugins-');
  deep = join(project.root, 'packages', 'app', 'src');
  mkdirSync(deep, { recursive: true });
  install(project, { name: 'ubom-plugin-greet', manifest: manifest(['greet']) });
  installPnpm(project, {
    name: '@acme/ubom-plugin-shout',
    version: '2.0.0',
    manifest: manifest(['shout']),
    source: pluginSource(['shout'], { name: 'acme-shout' }),
  });
  install(project, {
    name: 'ubom-plugin-future',
    manifest: manifest(['future'], 2),
    source: 'throw new Error("the module of an unsupported plugin was imported");\n',
  });
  install(project, {
    name: 'ubom-plugin-nocreate',
    manifest: manifest(['nocreate']),
    source: 'export const somethingElse = 1;\n',
  });
  install(project, {
    name: 'ubom-plugin-liar',
    manifest: manifest(['liar']),
    source: pluginSource(['other']),
  });
  install(project, { name: 'ubom-plugin-dup-a', manifest: manifest(['dup']) });
  install(project, {
    name: '@acme/ubom-plugin-dup-b',
    manifest: manifest(['dup']),
    source: pluginSource(['dup'], { name: 'acme-dup' }),
  });
  install(project, {
    name: 'ubom-plugin-sick',
    manifest: manifest(['sick']),
    source: pluginSource(['sick'], { health: 'throw new Error("database unreachable");' }),
  });
  install(project, {
    name: 'ubom-plugin-hang',
    manifest: manifest(['hang']),
    source: pluginSource(['hang'], { health: 'await new Promise(() => {});' }),
  });
  install(project, { name: 'ubom-plugin-nomanifest' });
  install(project, { name: 'not-a-plugin', manifest: manifest(['nope']) });
});
afterAll(() => rmSync(project.root, { recursive: true, force: true }));
beforeEach(() => {
  rmSync(project.markers, { recursive: true, force: true });
  mkdirSync(project.markers);
});

const env = () => cleanEnv({ UBOM_TEST_MARKERS: project.markers });
const cli = (args: string[], options: { input?: string; cwd?: string } = {}) =>
  ubom(args, {
    env: env(),
    cwd: options.cwd ?? project.root,
    ...(options.input ? { input: options.input } : {}),
  });

interface Listed {
  name: string;
  version: string;
  types: string[];
  status: string;
  reason?: string;
  path: string;
}

describe('ubom plugins list', () => {
  it('lists every installed plugin with version, types, status and the reason it cannot be used', async () => {
    const { code, stdout, stderr } = await cli(['plugins', 'list']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+TYPES\s+STATUS\s+SOURCE\s+CONFIG\s+REASON$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? `(no row for ${name})`;
    expect(row('ubom-plugin-greet')).toMatch(
      /^ubom-plugin-greet\s+1\.2\.3\s+greet\s+available\s+current folder\s+-$/,
    );
    expect(row('@acme/ubom-plugin-shout')).toMatch(/\s+2\.0\.0\s+shout\s+available\s+current folder\s+-$/);
    expect(row('@ubom/executor-process')).toMatch(
      /\s+process\s+available\s+(current folder|ubom install)\s+-$/,
    );
    expect(row('ubom-plugin-future')).toMatch(
      /\s+1\.2\.3\s+future\s+unsupported\s+current folder\s+-\s+apiVersion 2 is not supported by this @ubom\/core \(supports 1\)$/,
    );
    expect(row('ubom-plugin-dup-a')).toMatch(
      /\s+dup\s+conflict\s+current folder\s+-\s+type "dup" is already served by @acme\/ubom-plugin-dup-b$/,
    );
    expect(row('@acme/ubom-plugin-dup-b')).toMatch(/\s+dup\s+available\s+current folder\s+-$/);
    expect(row('ubom-plugin-nomanifest')).toMatch(
      /\s+-\s+invalid\s+current folder\s+-\s+package\.json has no "ubom" manifest$/,
    );
    // a package named otherwise is not a plugin, whatever its package.json says
    expect(stdout).not.toContain('not-a-plugin');
  });

  it('imports no plugin code, not even of the plugins it lists as usable', async () => {
    const { code } = await cli(['plugins', 'list']);
    expect(code).toBe(0);
    expect(project.imported()).toEqual([]);
  });

  it('--json gives the same facts for scripts, with each package folder', async () => {
    const { code, stdout } = await cli(['plugins', 'list', '--json']);
    expect(code).toBe(0);
    const { plugins } = JSON.parse(stdout) as { plugins: Listed[] };
    const byName = new Map(plugins.map((p) => [p.name, p]));
    expect(byName.get('ubom-plugin-greet')).toEqual({
      name: 'ubom-plugin-greet',
      version: '1.2.3',
      types: ['greet'],
      status: 'available',
      path: join(project.root, 'node_modules', 'ubom-plugin-greet'),
      source: 'current folder',
      configured: false,
    });
    // pnpm layout: the real folder in the virtual store, reached through the symlink
    expect(byName.get('@acme/ubom-plugin-shout')?.path).toBe(
      join(
        project.root,
        'node_modules/.pnpm/@acme+ubom-plugin-shout@2.0.0/node_modules/@acme/ubom-plugin-shout',
      ),
    );
    expect(byName.get('ubom-plugin-future')).toMatchObject({ status: 'unsupported', types: ['future'] });
    expect(byName.get('ubom-plugin-dup-a')).toMatchObject({ status: 'conflict', types: ['dup'] });
    expect(project.imported()).toEqual([]);
  });

  it('searches from a folder deep inside the project upward', async () => {
    const { code, stdout } = await cli(['plugins', 'list', '--json'], { cwd: deep });
    expect(code).toBe(0);
    const names = (JSON.parse(stdout) as { plugins: Listed[] }).plugins.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['ubom-plugin-greet', '@acme/ubom-plugin-shout']));
  });

  it('a project copy of a package wins over a farther one', async () => {
    const near = join(project.root, 'packages', 'app');
    install(
      { ...project, root: near },
      { name: 'ubom-plugin-greet', version: '3.0.0', manifest: manifest(['greet']) },
    );
    try {
      const { stdout } = await cli(['plugins', 'list', '--json'], { cwd: deep });
      const greet = (JSON.parse(stdout) as { plugins: Listed[] }).plugins.filter(
        (p) => p.name === 'ubom-plugin-greet',
      );
      expect(greet).toEqual([expect.objectContaining({ version: '3.0.0' })]);
    } finally {
      rmSync(join(near, 'node_modules'), { recursive: true, force: true });
    }
  });

  it('says what it looked for and where when no plugin is installed at all', async () => {
    // a copy of the CLI installed without its process executor, run from an empty project
    const bare = createProject('ubom-noplugins-');
    try {
      const bin = installCliCopy(bare.root, { withProcessExecutor: false });
      const { code, stdout } = await runNode([bin, 'plugins', 'list'], bare.root, env());
      expect(code).toBe(0);
      expect(stdout).toBe(
        'no plugins found: plugins are installed npm packages named @ubom/executor-*, ubom-plugin-* or @<scope>/ubom-plugin-*,\n' +
          'searched in node_modules folders from the current folder upward and from where ubom is installed\n',
      );
      const json = await runNode([bin, 'plugins', 'list', '--json'], bare.root, env());
      expect(JSON.parse(json.stdout)).toEqual({ plugins: [] });
    } finally {
      rmSync(bare.root, { recursive: true, force: true });
    }
  });
});

describe('ubom plugins health', () => {
  it('imports, initializes and checks each usable plugin, reporting each; exit 1 when any is not healthy', async () => {
    const { code, stdout } = await cli(['plugins', 'health', '--timeout', '1s']);
    expect(code).toBe(1);
    const line = (name: string) =>
      stdout.split('\n').find((l) => l.includes(` ${name}@`)) ?? `(no line for ${name})`;
    expect(line('ubom-plugin-greet')).toMatch(/^ok {4}ubom-plugin-greet@1\.2\.3 \(greet\) {2}\d+ ms$/);
    expect(line('@acme/ubom-plugin-shout')).toMatch(/^ok {4}@acme\/ubom-plugin-shout@2\.0\.0 \(shout\)/);
    expect(line('@ubom/executor-process')).toMatch(/^ok {4}@ubom\/executor-process@\S+ \(process\)/);
    expect(line('@acme/ubom-plugin-dup-b')).toMatch(/^ok /);
    expect(line('ubom-plugin-nocreate')).toMatch(
      /^FAIL {2}ubom-plugin-nocreate@1\.2\.3 \(nocreate\) {2}plugin "ubom-plugin-nocreate" failed in load: .*index\.js does not export createPlugin\(\)$/,
    );
    expect(line('ubom-plugin-liar')).toContain(
      'plugin "ubom-plugin-liar" failed in load: its manifest declares types [liar] but the plugin serves [other]',
    );
    expect(line('ubom-plugin-sick')).toContain(
      'plugin "ubom-plugin-sick" failed in healthCheck: database unreachable',
    );
    expect(line('ubom-plugin-hang')).toContain(
      'plugin "ubom-plugin-hang" failed in healthCheck: did not finish within 1000 ms',
    );
    expect(line('ubom-plugin-future')).toMatch(
      /^SKIP {2}ubom-plugin-future@1\.2\.3 \(future\) {2}unsupported: apiVersion 2/,
    );
    expect(line('ubom-plugin-dup-a')).toMatch(/^SKIP .*conflict: type "dup" is already served by/);
    expect(line('ubom-plugin-nomanifest')).toMatch(/^SKIP .*invalid: package\.json has no "ubom" manifest/);
    // plugins ruled out by their manifest are never imported
    expect(project.imported()).not.toContain('ubom-plugin-future');
    expect(project.imported()).not.toContain('ubom-plugin-dup-a');
    expect(project.imported()).toContain('ubom-plugin-greet');
  });

  it('--json reports each plugin with healthy, checked and reason', async () => {
    const { code, stdout } = await cli(['plugins', 'health', '--json', '--timeout', '1s']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      healthy: boolean;
      plugins: Array<Listed & Record<string, unknown>>;
    };
    expect(report.healthy).toBe(false);
    const byName = new Map(report.plugins.map((p) => [p.name, p]));
    expect(byName.get('ubom-plugin-greet')).toMatchObject({ healthy: true, checked: true });
    expect(byName.get('ubom-plugin-sick')).toMatchObject({ healthy: false, checked: true });
    expect(byName.get('ubom-plugin-future')).toMatchObject({ healthy: false, checked: false });
  });

  it('exits 0 when every plugin is healthy', async () => {
    const clean = createProject('ubom-healthy-');
    try {
      install(clean, { name: 'ubom-plugin-greet', manifest: manifest(['greet']) });
      const { code, stdout } = await ubom(['plugins', 'health'], { cwd: clean.root, env: env() });
      expect(stdout).toMatch(/^ok {4}ubom-plugin-greet@1\.2\.3 \(greet\)/m);
      expect(code).toBe(0);
    } finally {
      rmSync(clean.root, { recursive: true, force: true });
    }
  });

  it('refuses a malformed --timeout with exit 2', async () => {
    const { code, stderr } = await cli(['plugins', 'health', '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout must be a duration like 10s or 500ms, got "soon"');
  });
});

describe('ubom run with discovered plugins', () => {
  const work = (type: string, message = 'hi') =>
    JSON.stringify({ id: `w-${type}`, type, executor_config: { message } });

  it('runs a work on the plugin serving its type, importing only that plugin, while broken ones sit beside it', async () => {
    const { code, stdout, stderr } = await cli(['run', '-'], { input: work('greet', 'hello from greet') });
    expect(stderr).toBe('hello from greet\n');
    expect(code).toBe(0);
    expect(stdout).toContain('SUCCESS w-greet (greet)');
    expect(project.imported()).toEqual(['ubom-plugin-greet']);
  });

  it('runs a work on a plugin installed in the pnpm layout', async () => {
    const { code, stdout } = await cli(['run', '-', '--json'], { input: work('shout') });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).outputs).toEqual({ message: 'hi', served_by: 'acme-shout' });
    expect(project.imported()).toEqual(['@acme__ubom-plugin-shout']);
  });

  it('of two plugins claiming one type, the one discovery chose runs the work', async () => {
    const { code, stdout } = await cli(['run', '-', '--json'], { input: work('dup') });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).outputs.served_by).toBe('acme-dup');
    expect(project.imported()).toEqual(['@acme__ubom-plugin-dup-b']);
  });

  it('a work whose plugin has an unsupported apiVersion says so, exit 2, importing nothing', async () => {
    const { code, stderr } = await cli(['run', '-'], { input: work('future') });
    expect(code).toBe(2);
    expect(stderr).toBe(
      '[ubom] no executor for type "future" — ubom-plugin-future serves it but cannot be used: ' +
        'apiVersion 2 is not supported by this @ubom/core (supports 1)\n',
    );
    expect(project.imported()).toEqual([]);
  });

  it('a work whose plugin serves other types than its manifest says fails with exit 1 and the reason', async () => {
    const { code, stderr } = await cli(['run', '-'], { input: work('liar') });
    expect(code).toBe(1);
    expect(stderr).toBe(
      '[ubom] plugin "ubom-plugin-liar" failed in load: its manifest declares types [liar] but the plugin serves [other]\n',
    );
  });

  it('a work whose plugin lacks createPlugin fails with exit 1 naming the plugin', async () => {
    const { code, stderr } = await cli(['validate', '-'], { input: work('nocreate') });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^\[ubom\] plugin "ubom-plugin-nocreate" failed in load: .* does not export createPlugin\(\)\n$/,
    );
  });

  it('a type no plugin serves gets the plugin naming convention', async () => {
    const { code, stderr } = await cli(['run', '-'], { input: work('teleport') });
    expect(code).toBe(2);
    expect(stderr).toContain(
      '[ubom] no executor for type "teleport" — known types: process, docker, grpc, serverless, http, ssh, dup, greet, hang, liar, nocreate, shout, sick; ' +
        `plugins are npm packages named ubom-plugin-<name> or @<scope>/ubom-plugin-<name> (searched: current folder ${project.root} (and parents); ubom install `,
    );
  });
});
