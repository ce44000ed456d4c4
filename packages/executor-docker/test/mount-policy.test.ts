import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnhancedWorkRegistry, type Work } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, newExecutor } from './support/docker';

/*
 * The host bind mount policy (issue 12), against the real engine: host paths are refused unless the
 * plugin config's allowed_host_paths holds every resolved form of the source; the host's own folders
 * and the engine socket stay refused even then, unless allow_dangerous_mounts is true. Named volumes
 * are always allowed. Refusals are checked with validateWork (no container); what is allowed runs.
 */

type Issue = { path: string; message: string };

/** Plugins by plugin config, each behind its own registry. */
const made: DockerExecutor[] = [];
async function registryWith(config: Record<string, unknown>) {
  const plugin = await newExecutor(config);
  made.push(plugin);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('docker', plugin);
  return { plugin, registry };
}

let allowed: string; // the allowed temp folder (real path)
let other: string; // a temp folder nobody allowed
let defaults: Awaited<ReturnType<typeof registryWith>>; // no plugin config: host bind mounts off
let tempAllowed: Awaited<ReturnType<typeof registryWith>>; // allowed_host_paths: [allowed]
let everything: Awaited<ReturnType<typeof registryWith>>; // allowed_host_paths: ['/']
let dangerous: Awaited<ReturnType<typeof registryWith>>; // ['/'] and allow_dangerous_mounts

const mount = (source: string, extra: Record<string, unknown> = {}) =>
  dockerWork({ command: ['true'], volumes: [{ source, target: '/mnt', read_only: true }], ...extra }) as Work;

/** The issues validateWork refuses `source` with (it must refuse). */
async function refused(on: EnhancedWorkRegistry, source: string): Promise<Issue[]> {
  const error = await on.validateWork(mount(source)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${source} should be refused`).toMatchObject({ code: 'VALIDATION' });
  return (error as { issues: Issue[] }).issues;
}

beforeAll(async () => {
  allowed = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-allowed-')));
  other = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-other-')));
  writeFileSync(join(allowed, 'input.txt'), 'from the allowed folder\n');
  mkdirSync(join(allowed, 'sub'));
  symlinkSync('/', join(allowed, 'root-link'));
  symlinkSync('/etc', join(allowed, 'etc-link'));
  symlinkSync(other, join(allowed, 'other-link'));
  [defaults, tempAllowed, everything, dangerous] = await Promise.all([
    registryWith({}),
    registryWith({ allowed_host_paths: [allowed] }),
    registryWith({ allowed_host_paths: ['/'] }),
    registryWith({ allowed_host_paths: ['/'], allow_dangerous_mounts: true }),
  ]);
});

afterAll(async () => {
  await Promise.all(made.map((p) => p.shutdown()));
  rmSync(allowed, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
  expect(await countManaged()).toBe(0);
});

/** Sources that hand the container the host, whatever allowed_host_paths says. */
const DANGEROUS: [string, () => string, RegExp][] = [
  ['/var/lib/docker', () => '/var/lib/docker', /it is the host's \/var\/lib\/docker/],
  ['/etc', () => '/etc', /it is the host's \/etc/],
  ['/etc/shadow', () => '/etc/shadow', /it lies inside the host's \/etc/],
  ['/root', () => '/root', /it is the host's \/root/],
  ['/proc', () => '/proc', /it is the host's \/proc/],
  ['/sys', () => '/sys', /it is the host's \/sys/],
  ['/dev', () => '/dev', /it is the host's \/dev/],
  ['/boot', () => '/boot', /it is the host's \/boot/],
  ['/run', () => '/run', /it holds the Docker socket|it is the host's \/run/],
  ['/var/run', () => '/var/run', /it holds the Docker socket|it is the host's \/var\/run/],
  ['/var (holds /var/run and /var/lib/docker)', () => '/var', /it holds the/],
  ['/', () => '/', /it is the host's root file system/],
  ['the engine socket', () => '/var/run/docker.sock', /it is the Docker socket/],
  ['/run/docker.sock', () => '/run/docker.sock', /it is the Docker socket/],
  [
    '<symlink to />/etc',
    () => `${allowed}/root-link/etc`,
    /it resolves to "\/etc", which is the host's \/etc/,
  ],
  ['<symlink to />', () => `${allowed}/root-link`, /resolves to "\/", which is the host's root file system/],
  [
    '<allowed>/../…/etc',
    () => `${allowed}/${'../'.repeat(allowed.split('/').length - 1)}etc`,
    /it is the host's \/etc/,
  ],
  ['a symlink inside the allowed folder to /etc', () => `${allowed}/etc-link`, /resolves to "\/etc"/],
  [
    '<allowed>/sub/../etc-link/passwd',
    () => `${allowed}/sub/../etc-link/passwd`,
    /resolves to "\/etc\/passwd"/,
  ],
];

describe('mount policy: dangerous host paths', () => {
  it.each(DANGEROUS)(
    '%s is refused even under an allowed prefix, naming allow_dangerous_mounts',
    async (_, source, why) => {
      const issues = await refused(everything.registry, source());
      expect(issues).toEqual([
        { path: 'executor_config.volumes[0].source', message: expect.stringMatching(why) },
      ]);
      expect(issues[0]?.message).toContain(`mounting "${source()}" is refused`);
      expect(issues[0]?.message).toMatch(
        /allowing it takes allow_dangerous_mounts: true in the plugin config$/,
      );
      expect(issues[0]?.message).not.toContain('allowed_host_paths');
    },
  );

  it.each(DANGEROUS)('%s with no plugin config names both settings', async (_, source) => {
    const issues = await refused(defaults.registry, source());
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('executor_config.volumes[0].source');
    expect(issues[0]?.message).toMatch(/allowed_host_paths lists no folder \(host bind mounts are off\)/);
    expect(issues[0]?.message).toMatch(
      /allowing it takes a folder holding it in allowed_host_paths and allow_dangerous_mounts: true/,
    );
  });

  it.each(DANGEROUS)(
    '%s passes validation with allow_dangerous_mounts: true under an allowed prefix',
    async (_, source) => {
      await expect(dangerous.registry.validateWork(mount(source()))).resolves.toBeUndefined();
    },
  );

  it('allow_dangerous_mounts alone opens no host path: allowed_host_paths still decides', async () => {
    const alone = await registryWith({ allow_dangerous_mounts: true });
    for (const source of ['/', '/etc', allowed]) {
      const [issue] = await refused(alone.registry, source);
      expect(issue?.message).toMatch(/allowed_host_paths lists no folder/);
      expect(issue?.message).not.toContain('allow_dangerous_mounts');
    }
  });

  it('execute refuses the same way, all problems at once, and no container is made', async () => {
    await tempAllowed.plugin.state.idle();
    const before = await countManaged();
    const sources = [
      '/etc',
      '/etc/shadow',
      '/var/run/docker.sock',
      `${allowed}/etc-link`,
      other,
      `${allowed}/input.txt`,
    ];
    const error = await tempAllowed.plugin
      .execute(
        dockerWork({
          command: ['true'],
          volumes: sources.map((source, i) => ({ source, target: `/m${i}` })),
        }),
        {},
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: 'VALIDATION' });
    const issues = (error as { issues: Issue[] }).issues;
    expect(issues.map((i) => i.path)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `executor_config.volumes[${i}].source`),
    );
    expect(issues[0]?.message).toBe(
      `mounting "/etc" is refused: it is the host's /etc and lies outside the plugin config's allowed_host_paths (${allowed}); allowing it takes a folder holding it in allowed_host_paths and allow_dangerous_mounts: true in the plugin config`,
    );
    expect(issues[3]?.message).toBe(
      `mounting "${allowed}/etc-link" is refused: it resolves to "/etc", which is the host's /etc and lies outside the plugin config's allowed_host_paths (${allowed}); allowing it takes a folder holding it in allowed_host_paths and allow_dangerous_mounts: true in the plugin config`,
    );
    expect(issues[4]?.message).toBe(
      `mounting "${other}" is refused: it lies outside the plugin config's allowed_host_paths (${allowed}); allowing it takes a folder holding it in allowed_host_paths in the plugin config`,
    );
    expect(await countManaged()).toBe(before);
  });
});

describe('mount policy: allowed_host_paths', () => {
  it('a temp folder is refused by default (host bind mounts are off), naming allowed_host_paths', async () => {
    const issues = await refused(defaults.registry, allowed);
    expect(issues).toEqual([
      {
        path: 'executor_config.volumes[0].source',
        message: `mounting "${allowed}" is refused: the plugin config's allowed_host_paths lists no folder (host bind mounts are off); allowing it takes a folder holding it in allowed_host_paths in the plugin config`,
      },
    ]);
  });

  it('a temp folder not allowed is refused; so are a sibling with the same prefix and <allowed>/..', async () => {
    for (const source of [other, `${allowed}-sibling`, `${allowed}/..`, `${allowed}/../etc`]) {
      const [issue, ...more] = await refused(tempAllowed.registry, source);
      expect(more).toEqual([]);
      expect(issue?.message).toMatch(/outside the plugin config's allowed_host_paths/);
      expect(issue?.message).toMatch(/allowing it takes a folder holding it in allowed_host_paths/);
    }
  });

  it('a symlink inside the allowed folder pointing outside it is refused: every resolved form must be allowed', async () => {
    const [issue] = await refused(tempAllowed.registry, `${allowed}/other-link`);
    expect(issue?.message).toBe(
      `mounting "${allowed}/other-link" is refused: it resolves to "${other}", which lies outside the plugin config's allowed_host_paths (${allowed}); allowing it takes a folder holding it in allowed_host_paths in the plugin config`,
    );
  });

  it('the allowed temp folder (or a file in it) runs, and the container reads the file', async () => {
    const result = await tempAllowed.plugin.execute(
      dockerWork({
        command: ['sh', '-c', 'cat /data/input.txt; cat /one.txt'],
        volumes: [
          { source: allowed, target: '/data', read_only: true },
          { source: `${allowed}/sub/../input.txt`, target: '/one.txt', read_only: true },
        ],
      }),
      {},
    );
    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe('from the allowed folder\nfrom the allowed folder\n');
  });

  it('an allowed prefix written through a symlink or with a trailing slash allows the same folder', async () => {
    const link = join(other, 'to-allowed');
    symlinkSync(allowed, link);
    const viaLink = await registryWith({ allowed_host_paths: [`${link}/`] });
    await expect(viaLink.registry.validateWork(mount(allowed))).resolves.toBeUndefined();
    await expect(viaLink.registry.validateWork(mount(`${link}/sub`))).resolves.toBeUndefined();
    await refused(viaLink.registry, other);
  });

  it('a named volume is allowed by default, and runs', async () => {
    const name = `ubom-test-policy-${process.pid}`;
    try {
      const result = await defaults.plugin.execute(
        dockerWork({
          command: ['sh', '-c', 'echo kept > /v/file && cat /v/file'],
          volumes: [{ source: name, target: '/v' }],
        }),
        {},
      );
      expect(result.success).toBe(true);
      expect(result.outputs.stdout).toBe('kept\n');
    } finally {
      await defaults.plugin.state.idle(); // the volume is in use until the container is removed
      await docker.getVolume(name).remove({ force: true });
    }
  });

  it('allow_dangerous_mounts under "/" runs a container with the host root mounted read-only', async () => {
    const result = await dangerous.plugin.execute(
      dockerWork({
        command: ['sh', '-c', 'test -S /host/run/docker.sock && echo seen'],
        volumes: [{ source: '/', target: '/host', read_only: true }],
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe('seen\n');
  });

  it('the plugin config refuses a relative allowed_host_paths entry and a typo, with paths', async () => {
    const plugin = (await import('../src/executor')).createPlugin();
    const error = await plugin
      .initialize({ allowed_host_paths: ['data'], allowed_host_path: ['/srv'], sweep_orphans: false })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: 'VALIDATION' });
    const paths = (error as { issues: Issue[] }).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['config.allowed_host_paths[0]', 'config.allowed_host_path']),
    );
  });
});
