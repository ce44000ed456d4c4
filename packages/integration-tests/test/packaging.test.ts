import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedPackage, packPackages } from '../../../scripts/pack.mjs';
import { exec, NpmProject } from './npm-project';
import { workspaceVersion, writeStrictConsumer } from './strict-consumer';

/*
 * What users install: every public package packed with `pnpm pack` (workspace ranges rewritten, only
 * `files`), then installed with npm into fresh projects outside the workspace, with everything else
 * coming from the npm registry.
 */
const work = mkdtempSync(join(tmpdir(), 'ubom-packaging-'));
let packed: PackedPackage[] = [];
const tarball = (name: string): string => {
  const found = packed.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found.tarball;
};
/** Packages with a `.` export, i.e. meant to be imported (the scaffolder is a bin only). */
const libraries = (): PackedPackage[] =>
  packed.filter((p) => typeof p.pkg.exports === 'object' && p.pkg.exports !== null && '.' in p.pkg.exports);

beforeAll(async () => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  packed = await packPackages(out);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CLOUD_AND_ENGINE_SDKS =
  /^(dockerode|docker-modem|@aws-sdk\/.*|@google-cloud\/.*|google-auth-library|@azure\/.*)$/;

type Report = Record<string, { keys?: string[]; error?: string }>;

describe('every package installed from its tarball into a fresh npm project', () => {
  let project: NpmProject;
  let esm: Report = {};
  let cjs: Report = {};

  beforeAll(async () => {
    project = new NpmProject(join(work, 'all'));
    await project.install(packed.map((p) => p.tarball));
    const names = JSON.stringify(libraries().map((p) => p.name));
    const esmRun = await project.node(
      `const out = {}; for (const n of ${names}) { try { const m = await import(n); out[n] = { keys: Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort() }; } catch (e) { out[n] = { error: String(e.message).split('\\n')[0] }; } } console.log(JSON.stringify(out));`,
      { esm: true },
    );
    esm = JSON.parse(esmRun.stdout) as Report;
    const cjsRun = await project.node(
      `const out = {}; for (const n of ${names}) { try { out[n] = { keys: Object.keys(require(n)).sort() }; } catch (e) { out[n] = { error: String(e.message).split('\\n')[0] }; } } console.log(JSON.stringify(out));`,
    );
    cjs = JSON.parse(cjsRun.stdout) as Report;
  });

  it('packs every public package, with workspace ranges rewritten to real versions', () => {
    expect(packed.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@ubom/cli',
        '@ubom/core',
        '@ubom/executor-docker',
        '@ubom/executor-grpc',
        '@ubom/executor-process',
        '@ubom/executor-serverless',
        '@ubom/testkit',
        'create-ubom-plugin',
      ]),
    );
    const cli = project.installed();
    expect(cli.get('@ubom/cli')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('ESM import works for every library package, each exporting its API', () => {
    for (const { name } of libraries()) {
      expect(esm[name], name).toEqual({ keys: expect.arrayContaining([expect.any(String)]) });
    }
    for (const executor of ['docker', 'grpc', 'process', 'serverless']) {
      expect(esm[`@ubom/executor-${executor}`]?.keys).toContain('createPlugin');
    }
    expect(esm['@ubom/core']?.keys).toEqual(
      expect.arrayContaining([
        'EnhancedWorkRegistry',
        'BasePlugin',
        'DefaultPluginLoader',
        'discoverPlugins',
      ]),
    );
  });

  it('CJS require works for every library package and exports the same names as ESM', () => {
    for (const { name } of libraries()) {
      if (name === '@ubom/testkit') continue; // below: ESM only, as vitest is
      expect(cjs[name], name).toEqual(esm[name]);
    }
  });

  it('classes keep their names in both builds (error.name is what users match on)', async () => {
    const names = JSON.stringify(libraries().map((p) => p.name));
    // `load` is `import` or `require`; each script reports renamed exports and a few error names
    const check = (load: string) =>
      `const load = ${load}; const renamed = []; for (const n of ${names}) { let m; try { m = await load(n); } catch { continue; } for (const [k, v] of Object.entries(m)) if (typeof v === 'function' && /^[A-Z]/.test(k) && v.name !== k) renamed.push(n + ' ' + k + ' is named ' + v.name); } const core = await load('@ubom/core'); console.log(JSON.stringify({ renamed, errors: [core.ValidationError.single('a', 'b').name, new core.TimeoutError('t', 1).name, new core.AbortError().name] }));`;
    const esmRun = await project.node(check('(n) => import(n)'), { esm: true });
    const cjsRun = await project.node(`(async () => { ${check('(n) => require(n)')} })();`);
    for (const run of [esmRun, cjsRun]) {
      expect(JSON.parse(run.stdout)).toEqual({
        renamed: [],
        errors: ['ValidationError', 'TimeoutError', 'AbortError'],
      });
    }
  });

  it('@ubom/testkit is ESM only, as vitest is: no require condition, import is the way in', () => {
    const testkit = packed.find((p) => p.name === '@ubom/testkit');
    expect(JSON.stringify(testkit?.pkg.exports)).not.toContain('"require"');
    expect(esm['@ubom/testkit']?.keys).toContain('describeExecutorConformance');
  });

  it('the installed ubom bin lists the installed executors from their manifests', async () => {
    const { code, stdout, stderr } = await project.bin('ubom', ['plugins', 'list', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plugins = (
      JSON.parse(stdout) as { plugins: Array<{ name: string; status: string; types: string[] }> }
    ).plugins;
    expect(plugins.map((p) => [p.name, p.status, p.types])).toEqual([
      ['@ubom/executor-docker', 'available', ['docker']],
      ['@ubom/executor-grpc', 'available', ['grpc']],
      ['@ubom/executor-http', 'available', ['http']],
      ['@ubom/executor-process', 'available', ['process']],
      ['@ubom/executor-serverless', 'available', ['serverless']],
      ['@ubom/executor-ssh', 'available', ['ssh']],
    ]);
  });

  it('the installed ubom bin runs a process work', async () => {
    const file = join(project.dir, 'work.json');
    const script = 'console.log("packed and running"); console.log(JSON.stringify({ n: 42 }))';
    writeFileSync(
      file,
      JSON.stringify({
        id: 'packed-1',
        type: 'process',
        executor_config: { command: [process.execPath, '-e', script], output: 'json' },
      }),
    );
    const { code, stdout, stderr } = await project.bin('ubom', ['run', 'work.json', '--json']);
    expect(code).toBe(0);
    expect(stderr).toContain('packed and running');
    const result = JSON.parse(stdout) as { success: boolean; outputs: Record<string, unknown> };
    expect(result.success).toBe(true);
    expect(result.outputs.result).toEqual({ n: 42 });
  });

  it('the ubom bin finds its own process executor when run from a folder outside the project', async () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const { code, stdout } = await exec(
      join(project.dir, 'node_modules', '.bin', 'ubom'),
      ['types', '--json'],
      elsewhere,
    );
    expect(code).toBe(0);
    const types = (JSON.parse(stdout) as { types: Array<{ type: string }> }).types.map((t) => t.type);
    expect(types.sort()).toEqual(['docker', 'grpc', 'http', 'process', 'serverless', 'ssh']);
  });

  it('the create-ubom-plugin bin runs', async () => {
    const { code, stdout } = await project.bin('create-ubom-plugin', ['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('ubom-plugin-<name>');
  });

  it('no cloud SDK is installed by any package: they are optional peers the user adds', () => {
    const sdks = [...project.installed().keys()].filter((n) => /^(@aws-sdk|@google-cloud|@azure)\//.test(n));
    expect(sdks).toEqual([]);
  });

  // last: it adds TypeScript to the project the tests above looked at
  it('a strict TypeScript project (skipLibCheck: false) typechecks against every package, typed works included', async () => {
    await project.install([
      `typescript@${workspaceVersion('typescript')}`,
      `@types/node@${workspaceVersion('@types/node')}`,
    ]);
    writeStrictConsumer(project.dir);
    const tsc = join(project.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const { code, stdout, stderr } = await exec(process.execPath, [tsc, '-p', '.'], project.dir);
    expect(`${stdout}${stderr}`).toBe('');
    expect(code).toBe(0);
  }, 600_000);
});

describe('installing one executor brings only what it needs', () => {
  it('@ubom/executor-grpc (with its peer @ubom/core) brings grpc-js and protobufjs, no dockerode and no cloud SDK', async () => {
    const project = new NpmProject(join(work, 'grpc-only'));
    await project.install([tarball('@ubom/core'), tarball('@ubom/executor-grpc')]);
    const installed = project.installed();
    expect([...installed.keys()].filter((n) => CLOUD_AND_ENGINE_SDKS.test(n))).toEqual([]);
    expect([...installed.keys()]).toEqual(
      expect.arrayContaining(['@grpc/grpc-js', 'protobufjs', '@ubom/core']),
    );
    const run = await project.node(
      "const { createPlugin } = require('@ubom/executor-grpc'); console.log(createPlugin().getSupportedTypes().join())",
    );
    expect(run.stdout).toBe('grpc\n');
  });

  it('@ubom/executor-serverless brings no cloud SDK; a work for a provider whose SDK is missing names the package', async () => {
    const project = new NpmProject(join(work, 'serverless-only'));
    await project.install([tarball('@ubom/core'), tarball('@ubom/executor-serverless')]);
    expect([...project.installed().keys()].filter((n) => CLOUD_AND_ENGINE_SDKS.test(n))).toEqual([]);
    const run = await project.node(
      `import { EnhancedWorkRegistry } from '@ubom/core';
       import { createPlugin } from '@ubom/executor-serverless';
       const registry = new EnhancedWorkRegistry();
       registry.registerExecutor('serverless', createPlugin());
       const work = { id: 's', type: 'serverless', executor_config: { provider: 'aws', function: 'f', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' } };
       try { const r = await registry.execute(work); console.log('resolved', r.success, r.error); } catch (e) { console.log('rejected', e.message); }`,
      { esm: true },
    );
    expect(run.stdout).toContain('@aws-sdk/client-lambda');
  });

  it('@ubom/executor-process brings nothing but zod', async () => {
    const project = new NpmProject(join(work, 'process-only'));
    await project.install([tarball('@ubom/core'), tarball('@ubom/executor-process')]);
    const installed = [...project.installed().keys()].filter((n) => !n.startsWith('@ubom/'));
    expect(
      installed.filter((n) => !['zod', 'ajv', 'ajv-formats'].includes(n) && !isAjvDependency(n)),
    ).toEqual([]);
  });
});

/** ajv's own small dependencies (core's one runtime dependency). */
function isAjvDependency(name: string): boolean {
  return ['fast-deep-equal', 'fast-uri', 'json-schema-traverse', 'require-from-string'].includes(name);
}
