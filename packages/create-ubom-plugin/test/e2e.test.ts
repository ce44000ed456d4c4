import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, tempDir } from './support/cli';
import { ensureBuilt, PACKAGES_DIR, pack } from './support/workspace';

const REPO_BIN = join(PACKAGES_DIR, '..', 'node_modules', '.bin');

/**
 * The environment of a user's shell: without the npm_* variables pnpm sets for the test script
 * (registry, cache and proxy settings are kept).
 */
const shell: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        key !== 'FORCE_COLOR' &&
        (!key.startsWith('npm_') || /^npm_config_(registry|cache|userconfig|.*proxy)$/.test(key)),
    ),
  ),
  NO_COLOR: '1',
};

/** Runs a command like a user would; on failure the error carries its whole output. */
function sh(cwd: string, command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd, env: shell, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const npmInstall = (cwd: string) =>
  sh(cwd, 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);

/** What a project that installed the plugin runs: discovery (no import), then a work of its type. */
const PROJECT_SCRIPT = `
import { createRequire } from 'node:module';
import { discoverPlugins, EnhancedWorkRegistry, loadDiscoveredPlugin } from '@ubom/core';

const plugins = await discoverPlugins({ from: [process.cwd()] });
const registry = new EnhancedWorkRegistry({
  resolveExecutor: async (type) => {
    const found = plugins.find((p) => p.status === 'available' && p.workTypes.includes(type));
    if (!found) return undefined;
    const plugin = await loadDiscoveredPlugin(found);
    await plugin.initialize({});
    return plugin;
  },
});
const live = [];
const result = await registry.execute(
  {
    id: 'from-a-project',
    type: 'greet',
    executor_config: { message: 'hello from a project', transform: 'upper', repeat: 3, delay: '20ms', token: 'project-secret-0123456789' },
  },
  {},
  { onLog: (entry) => live.push(entry.message) },
);
const cjs = createRequire(import.meta.url)('ubom-plugin-greet');
console.log(JSON.stringify({ plugins, result, live, cjsTypes: cjs.createPlugin().getSupportedTypes() }));
`;

describe('npm create ubom-plugin, end to end', () => {
  it('scaffolds a plugin that installs from packed tarballs, builds, passes conformance with zero edits, and runs once installed in a project', () => {
    const root = tempDir('ubom-e2e-');
    const tarballs = join(root, 'tarballs');
    // 1. The packages as they would be published.
    ensureBuilt('core');
    ensureBuilt('testkit');
    ensureBuilt('executor-process');
    ensureBuilt('cli');
    const core = pack('core', tarballs);
    const testkit = pack('testkit', tarballs);
    const cli = pack('cli', tarballs);
    const processExecutor = pack('executor-process', tarballs);
    const creator = pack('create-ubom-plugin', tarballs);

    // 2. `npm create ubom-plugin greet` is `npm exec create-ubom-plugin greet`: run the packed bin so.
    const created = sh(root, 'npm', [
      'exec',
      '--yes',
      `--package=${creator}`,
      '--',
      'create-ubom-plugin',
      'greet',
      '--no-install',
      '--no-git',
    ]);
    expect(created).toContain('Created ubom-plugin-greet (work type "greet")');
    expect(created).toContain('npm install'); // npm's user agent was detected
    const plugin = join(root, 'ubom-plugin-greet');

    // 3. Point @ubom/* at the local tarballs (they are not on the registry), install the rest from it.
    const manifest = readJson(join(plugin, 'package.json'));
    manifest.devDependencies = {
      ...(manifest.devDependencies as Record<string, string>),
      '@ubom/core': `file:${core}`,
      '@ubom/testkit': `file:${testkit}`,
    };
    writeFileSync(join(plugin, 'package.json'), JSON.stringify(manifest, null, 2));
    npmInstall(plugin);
    sh(plugin, 'npm', ['run', 'build']);
    sh(plugin, 'npm', ['run', 'typecheck']);
    const tested = sh(plugin, 'npm', ['test', '--', '--reporter=verbose']);
    expect(tested).toContain('executor conformance: greet');
    for (const group of ['cancellation', 'work.timeout', 'live logs', 'secrets', 'invalid configs']) {
      expect(tested).toContain(group);
    }
    expect(tested).toMatch(/Tests\s+\d+ passed/);
    expect(tested).not.toMatch(/failed|skipped|todo/);

    // 4. A project installs the packed plugin next to @ubom/core and @ubom/cli (with its built-in
    //    process executor); discovery lists it, a work of its type runs, from code and from `ubom`.
    const pluginTarball = join(
      tarballs,
      sh(plugin, 'npm', ['pack', '--pack-destination', tarballs, '--silent']).trim(),
    );
    // The scaffold is publishable as it is: publint and arethetypeswrong find nothing in its tarball.
    sh(plugin, join(REPO_BIN, 'publint'), ['run', pluginTarball, '--strict']);
    sh(plugin, join(REPO_BIN, 'attw'), [pluginTarball, '--format', 'table-flipped']);
    const project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'project',
        private: true,
        type: 'module',
        dependencies: {
          '@ubom/cli': `file:${cli}`,
          '@ubom/core': `file:${core}`,
          '@ubom/executor-process': `file:${processExecutor}`,
          'ubom-plugin-greet': `file:${pluginTarball}`,
        },
      }),
    );
    writeFileSync(join(project, 'run.mjs'), PROJECT_SCRIPT);
    npmInstall(project);
    const installed = readJson(join(project, 'node_modules', 'ubom-plugin-greet', 'package.json'));
    expect(installed.files).toEqual(['dist']);
    const out = JSON.parse(sh(project, 'node', ['run.mjs'])) as {
      plugins: Array<{ packageName: string; status: string; workTypes: string[] }>;
      result: { success: boolean; outputs: Record<string, unknown> };
      live: string[];
      cjsTypes: string[];
    };
    expect(out.plugins.find((p) => p.packageName === 'ubom-plugin-greet')).toMatchObject({
      status: 'available',
      workTypes: ['greet'],
    });
    expect(out.result.success).toBe(true);
    expect(out.result.outputs).toMatchObject({ message: 'HELLO FROM A PROJECT', lines: 3 });
    expect(out.result.outputs.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(out.live.filter((line) => line === 'HELLO FROM A PROJECT')).toHaveLength(3);
    expect(JSON.stringify(out)).not.toContain('project-secret-0123456789');
    expect(out.cjsTypes).toEqual(['greet']);
    expect(
      readFileSync(join(project, 'node_modules', 'ubom-plugin-greet', 'dist', 'index.cjs'), 'utf8'),
    ).toContain('createPlugin');

    // 5. The same through the `ubom` command line.
    const listed = JSON.parse(sh(project, 'npx', ['--no-install', 'ubom', 'plugins', 'list', '--json'])) as {
      plugins: Array<{ name: string; types: string[]; status: string }>;
    };
    expect(listed.plugins.find((p) => p.name === 'ubom-plugin-greet')).toMatchObject({
      types: ['greet'],
      status: 'available',
    });
    expect(sh(project, 'npx', ['--no-install', 'ubom', 'plugins', 'list'])).toMatch(
      /ubom-plugin-greet\s+0\.1\.0\s+greet\s+available/,
    );
    writeFileSync(
      join(project, 'work.json'),
      JSON.stringify({ id: 'cli', type: 'greet', executor_config: { message: 'via ubom run', repeat: 2 } }),
    );
    const ran = JSON.parse(
      sh(project, 'npx', ['--no-install', 'ubom', 'run', 'work.json', '--json', '--quiet']),
    ) as {
      success: boolean;
      outputs: Record<string, unknown>;
    };
    expect(ran).toMatchObject({ success: true, outputs: { message: 'via ubom run', lines: 2 } });
  }, 300_000);
});
