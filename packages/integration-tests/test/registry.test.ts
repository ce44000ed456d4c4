import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPackages, root } from '../../../scripts/pack.mjs';
import {
  type LocalRegistry,
  packument,
  run,
  sh,
  startRegistry,
  stopCommands,
  userShell,
  usualRegistry,
} from './registry';

/*
 * The path a user takes, through a real npm registry (Verdaccio on a loopback port, its storage in a
 * temp folder, everything that is not ours fetched from the usual registry): the release script
 * versions and publishes every public package; `npm create ubom-plugin@latest` scaffolds a plugin that
 * installs @ubom/core and @ubom/testkit from there and passes its own tests; the plugin is published;
 * a project installs the CLI, the process executor and the plugin and runs a work of its type; a
 * global-style install of the CLI finds the plugin installed beside it.
 */
const work = mkdtempSync(join(tmpdir(), 'ubom-release-'));
let registry: LocalRegistry;
/** The repository copy the release runs in: the working tree is left as it is. */
const repo = join(work, 'repo');
/** name → version, as `changeset version` left them in the copy. */
const released = new Map<string, string>();
const PLUGIN = 'ubom-plugin-my-thing';
/** Where `npm create ubom-plugin@latest my-thing` in an empty folder writes the plugin. */
const plugin = join(work, 'empty', PLUGIN);

/**
 * Time limits, against a step that hangs rather than to measure anything: a step, and the release
 * (which builds every package: a few minutes on an idle 2-core machine, far more on a busy one). A
 * command is killed with everything it started when its limit runs out.
 */
const STEP_MS = 900_000;
const RELEASE_MS = 1_800_000;

const OURS = /^(@ubom\/|create-ubom-plugin$|ubom-plugin-|@[^/]+\/ubom-plugin-)/;

/**
 * Whether a failed install says only that the proxy could not fetch a package that is not ours from
 * the usual registry in time: npm's 404 "no such package available", npm's ERESOLVE for an optional peer
 * it got no document for ("Found: name@undefined"), the scaffolder's "name@range: not published there".
 * Our own packages are never proxied: a 404 for one of them is a real failure.
 */
function proxyMissed(text: string): boolean {
  const missing = [
    ...[...text.matchAll(/404 Not Found - GET (\S+) - no such package available/gi)].map((m) =>
      decodeURIComponent(new URL(m[1] ?? '').pathname.slice(1)),
    ),
    ...[...text.matchAll(/Found: (\S+)@undefined/g)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/\n {2}(@?[^@\s]+)@[^:\s]*: not published there/g)].map((m) => m[1] ?? ''),
  ];
  return missing.length > 0 && missing.every((name) => !OURS.test(name));
}

/**
 * Runs an install step again (twice at most, 2 s apart) when it failed only because the proxy missed
 * a package that is not ours (`proxyMissed`; seen on a loaded machine with a cold proxy).
 */
async function retried<T>(
  attempt: (n: number) => Promise<T>,
  failure: (result: T) => string = () => '',
): Promise<T> {
  for (let n = 1; ; n++) {
    let text: string;
    try {
      const result = await attempt(n);
      text = failure(result);
      if (!text || !proxyMissed(text) || n === 3) return result;
    } catch (error) {
      text = (error as Error).message;
      if (!proxyMissed(text) || n === 3) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** npm against the local registry, tried again when the proxy missed a package (see `retried`). */
const npm = (cwd: string, args: string[]): Promise<string> =>
  retried(() => sh(cwd, 'npm', args, registry.env));
const json = <T>(text: string): T => JSON.parse(text) as T;
const readJson = <T>(file: string): T => json<T>(readFileSync(file, 'utf8'));

beforeAll(async () => {
  registry = await startRegistry(await usualRegistry());
});
afterAll(async () => {
  stopCommands();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Explains a failed step with what the registry printed. */
async function step<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const log = registry.output().trim();
    throw log ? new Error(`${(error as Error).message}\n--- Verdaccio:\n${log.slice(-4000)}`) : error;
  }
}

/** A loopback URL nobody listens on. */
function deadRegistry(): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`http://127.0.0.1:${port}/`));
    });
  });
}

/** The working tree (tracked and new files, not ignored ones) copied to `to`, committed as a fresh clone. */
function copyRepository(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(from, join(to, file));
  }
}

const git = (args: string[]) =>
  sh(
    repo,
    'git',
    ['-c', 'user.name=Release Test', '-c', 'user.email=release@example.com', ...args],
    userShell(),
  );

/** `ubom run` of a my-thing work that the plugin's own `validate` refuses (repeat × delay too long). */
function tooLong(cwd: string, command: string, prefix: string[]) {
  writeFileSync(
    join(cwd, 'too-long.json'),
    JSON.stringify({
      id: 'too-long',
      type: 'my-thing',
      executor_config: { message: 'hi', repeat: 1000, delay: '1m' },
    }),
  );
  return run(cwd, command, [...prefix, 'run', 'too-long.json', '--json'], registry.env);
}

describe('the release and the user path through a real npm registry', () => {
  it(
    'before the release, the scaffolder says which packages the registry it asked cannot serve',
    async () => {
      const cli = join(root, 'packages', 'create-ubom-plugin', 'dist', 'cli.js');
      // `pnpm create ubom-plugin`: pnpm stops at the first package it cannot fetch (npm would resolve
      // the whole tree first); the registry is asked the same way whichever client failed
      let cwd = '';
      const failed = await retried(
        async (n) => {
          cwd = join(work, `too-early-${n}`);
          mkdirSync(cwd);
          return sh(
            cwd,
            process.execPath,
            [cli, 'early', '--no-git', '--package-manager', 'pnpm', '--registry', registry.url],
            // --registry wins over npm_config_registry, which points nowhere here
            { ...registry.env, npm_config_registry: await deadRegistry() },
          ).then(
            () => 'the install succeeded',
            (error: Error) => error.message,
          );
        },
        // the step is expected to fail: retried when it names a proxied package as not published
        (text) => text.replace(/\n {2}@ubom\/[^\n]*/g, ''),
      );
      expect(failed).toContain(
        `pnpm install failed in ${join(cwd, 'ubom-plugin-early')}: the registry ${registry.url} cannot serve`,
      );
      expect(failed).toMatch(/\n {2}@ubom\/core@\^\d+\.\d+\.\d+: not published there \(404 Not Found\)/);
      expect(failed).toMatch(/\n {2}@ubom\/testkit@\^\d+\.\d+\.\d+: not published there \(404 Not Found\)/);
      // what the registry proxies (zod, vitest, …) is not said to be missing
      expect(failed).not.toMatch(/\n {2}(zod|vitest|typescript|tsup|@types\/node)@[^:]*: not published/);
      expect(failed).toContain('then run pnpm install --registry');
      expect(failed).not.toContain('run it again');
    },
    STEP_MS,
  );

  it(
    'changeset version, then the release script publishes every public package',
    async () => {
      await step(async () => {
        copyRepository(repo);
        await git(['init', '--quiet', '--initial-branch=main']);
        await git(['add', '--all']);
        await git(['commit', '--quiet', '--message', 'a fresh clone']);
        await sh(
          repo,
          'pnpm',
          ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'],
          userShell(),
        );
        // what `pnpm changeset` writes: every public package, a patch
        const bumps = publicPackages().map(({ pkg }) => `"${pkg.name}": patch`);
        writeFileSync(
          join(repo, '.changeset', 'release-through-a-registry.md'),
          `---\n${bumps.join('\n')}\n---\n\nA release through a local registry.\n`,
        );
        await sh(repo, 'pnpm', ['changeset', 'version'], registry.env);
        await git(['commit', '--quiet', '--all', '--message', 'Version Packages']);
        for (const { dir } of publicPackages()) {
          const pkg = readJson<{ name: string; version: string }>(
            join(repo, dir.slice(root.length), 'package.json'),
          );
          released.set(pkg.name, pkg.version);
        }
        // turbo's cache is the working tree's: a second run on the same sources (the Node 24 pass of
        // .ci/run, a rerun) restores the build instead of repeating it
        const out = await sh(
          repo,
          'pnpm',
          ['run', 'release'],
          { ...registry.env, TURBO_CACHE_DIR: join(root, '.turbo', 'cache') },
          RELEASE_MS,
        );
        expect(out).toContain('packages published successfully');
      });
      const core = released.get('@ubom/core') ?? '';
      expect(core).toMatch(/^\d+\.\d+\.\d+$/);
      const tags = await git(['tag', '--list']);
      for (const [name, version] of released) {
        const doc = await packument(registry.url, name);
        expect(doc?.['dist-tags'].latest, name).toBe(version);
        expect(tags).toContain(`${name}@${version}`);
      }
      // `workspace:^` became a real range on the way out
      const processExecutor = await packument(registry.url, '@ubom/executor-process');
      const published = processExecutor?.versions[released.get('@ubom/executor-process') ?? ''];
      expect(published?.peerDependencies).toEqual({ '@ubom/core': `^${core}` });
    },
    RELEASE_MS + STEP_MS,
  );

  it(
    'npm create ubom-plugin@latest installs @ubom/core and @ubom/testkit from it; the plugin passes its own tests unedited',
    async () => {
      await step(async () => {
        mkdirSync(dirname(plugin));
        const created = await npm(dirname(plugin), [
          'create',
          'ubom-plugin@latest',
          'my-thing',
          '--',
          '--no-interactive',
        ]);
        expect(created).toContain(`Created ${PLUGIN} (work type "my-thing")`);
        const manifest = readJson<{ devDependencies: Record<string, string> }>(join(plugin, 'package.json'));
        expect(manifest.devDependencies['@ubom/core']).toBe(`^${released.get('@ubom/core')}`);
        for (const name of ['@ubom/core', '@ubom/testkit']) {
          const installed = readJson<{ version: string }>(join(plugin, 'node_modules', name, 'package.json'));
          expect(installed.version, name).toBe(released.get(name));
        }
        const tested = await npm(plugin, ['test']);
        expect(tested).toMatch(/Tests\s+\d+ passed/);
        expect(tested).not.toMatch(/failed|skipped/);
      });
    },
    STEP_MS,
  );

  it(
    'npm publish of the plugin to the same registry',
    async () => {
      await step(() => npm(plugin, ['publish']));
      expect((await packument(registry.url, PLUGIN))?.['dist-tags'].latest).toBe('0.1.0');
    },
    STEP_MS,
  );

  it(
    'a project installs the CLI, the process executor and the plugin; ubom lists the plugin and runs a work of its type',
    async () => {
      const project = join(work, 'consumer');
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
      await step(() => npm(project, ['install', '@ubom/cli', '@ubom/executor-process', PLUGIN]));
      const listed = json<{ plugins: Array<{ name: string; status: string; types: string[] }> }>(
        await sh(project, 'npx', ['ubom', 'plugins', 'list', '--json'], registry.env),
      );
      expect(listed.plugins.map((p) => [p.name, p.status, p.types])).toEqual(
        expect.arrayContaining([
          ['@ubom/executor-process', 'available', ['process']],
          [PLUGIN, 'available', ['my-thing']],
        ]),
      );
      writeFileSync(
        join(project, 'work.json'),
        JSON.stringify({
          id: 'from-the-registry',
          type: 'my-thing',
          executor_config: {
            message: 'installed from a registry',
            transform: 'upper',
            repeat: 2,
            delay: '5ms',
          },
        }),
      );
      const result = json<{ success: boolean; outputs: Record<string, unknown> }>(
        await sh(project, 'npx', ['ubom', 'run', 'work.json', '--json', '--quiet'], registry.env),
      );
      expect(result).toMatchObject({
        success: true,
        outputs: { message: 'INSTALLED FROM A REGISTRY', lines: 2 },
      });
      // the plugin's own rule (its `validate`): a refusal with the path, exit 2
      const refused = await tooLong(project, 'npx', ['ubom']);
      expect(refused.stderr).toMatch(/executor_config\.repeat.*must stay under/);
      expect(refused, refused.stderr).toMatchObject({ code: 2, stdout: '' });
    },
    STEP_MS,
  );

  it(
    'the CLI installed globally (npm i -g --prefix) finds the plugin installed beside it',
    async () => {
      const prefix = join(work, 'global');
      await step(() => npm(work, ['install', '--global', '--prefix', prefix, '@ubom/cli', PLUGIN]));
      const ubom = join(prefix, 'bin', 'ubom');
      const elsewhere = join(work, 'elsewhere');
      mkdirSync(elsewhere);
      const listed = json<{ plugins: Array<{ name: string; status: string; types: string[] }> }>(
        await sh(elsewhere, ubom, ['plugins', 'list', '--json'], registry.env),
      );
      expect(listed.plugins.map((p) => [p.name, p.status, p.types])).toEqual(
        expect.arrayContaining([
          ['@ubom/executor-process', 'available', ['process']],
          [PLUGIN, 'available', ['my-thing']],
        ]),
      );
      writeFileSync(
        join(elsewhere, 'work.json'),
        JSON.stringify({ id: 'global', type: 'my-thing', executor_config: { message: 'global', repeat: 1 } }),
      );
      const result = json<{ success: boolean; outputs: Record<string, unknown> }>(
        await sh(elsewhere, ubom, ['run', 'work.json', '--json', '--quiet'], registry.env),
      );
      expect(result).toMatchObject({ success: true, outputs: { message: 'global', lines: 1 } });
    },
    STEP_MS,
  );

  it(
    'the globally installed plugin, which brought its own copy of @ubom/core, refuses a work as a refusal (exit 2)',
    async () => {
      // `npm i -g` makes each package a tree of its own: the plugin's peer @ubom/core is installed
      // again beside it, so the plugin's errors come from another copy of core than the CLI's
      const prefix = join(work, 'global');
      expect(existsSync(join(prefix, 'lib', 'node_modules', PLUGIN, 'node_modules', '@ubom', 'core'))).toBe(
        true,
      );
      const refused = await tooLong(join(work, 'elsewhere'), join(prefix, 'bin', 'ubom'), []);
      expect(refused.stderr).toMatch(/executor_config\.repeat.*must stay under/);
      expect(refused, refused.stderr).toMatchObject({ code: 2, stdout: '' });
    },
    STEP_MS,
  );
});
