import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnhancedWorkRegistry, type ValidationError, type Work } from '@ubom/core';
import {
  bounded,
  checkHostileWorks,
  expectWellFormedRejection,
  HUGE,
  hostileConfigs,
  hostileKeys,
  hostileRecord,
  hostileValues,
} from '@ubom/testkit/property';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { IMAGE, newExecutor } from './support/docker';

/*
 * Random executor_configs through registry.validateWork (issue 12, "Tests that stay"): wrong types,
 * huge strings, deep nesting, `__proto__` keys, lone surrogates, NaN/Infinity, extreme durations,
 * hostile mount sources. Never a crash, never a hang; every rejection is a UbomError, and a
 * ValidationError's issues carry paths. No container runs (the dry run only asks about the image).
 */

/** `secretStrings`, `secretJunk`: where a value may be a secret (writeOnly), no 1 MB string. */
const { strings, secretStrings, durations, junk, secretJunk } = hostileValues();

const keys = hostileKeys(['ubom.managed', 'PATH']);
const dict = (values: fc.Arbitrary<unknown>, other = junk) => hostileRecord(values, { keys, other });

let allowed: string; // the folder the plugin config allows (with a symlink out of it)
/** Host paths and volume names, hostile and ordinary. */
const sources = () =>
  fc.oneof(
    fc.constantFrom(
      '/',
      '/etc',
      '/etc/shadow',
      '/proc/self/root',
      '/var/run/docker.sock',
      '/var/lib/docker/..',
      '/tmp/../etc',
      `${allowed}`,
      `${allowed}/`,
      `${allowed}/../etc`,
      `${allowed}/root-link/etc`,
      `${allowed}/root-link/../..`,
      `${allowed}/missing/../../etc`,
      `${allowed}//./x/`,
      'named-volume',
      'bad name',
      './relative',
      `/${'a/'.repeat(3000)}`,
      `/${'../'.repeat(3000)}etc`,
    ),
    strings,
    fc.string({ unit: 'binary' }).map((s) => `/${s}`),
    fc
      .array(fc.constantFrom('..', '.', 'root-link', 'etc', '', 'x'), { maxLength: 12 })
      .map((parts) => `${allowed}/${parts.join('/')}`),
  );
const volume = () =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          source: sources(),
          target: fc.oneof(fc.constantFrom('/data', '/', 'rel', '/data/'), strings),
          read_only: fc.oneof(fc.boolean(), junk),
        },
        { requiredKeys: ['source', 'target'] },
      ),
    },
    { weight: 1, arbitrary: junk },
  );

/** Each key of `executor_config`: mostly plausible values, some garbage. */
const fields = () => ({
  image: fc.oneof(
    { weight: 4, arbitrary: fc.constant(IMAGE) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'busybox:1.36',
        'Not A/Reference',
        'a@sha256:xyz',
        `${'a'.repeat(5000)}:tag`,
        `reg:5000/${'a/'.repeat(2000)}b`,
      ),
    },
    { weight: 1, arbitrary: strings },
    { weight: 1, arbitrary: junk },
  ),
  command: fc.oneof(
    fc.array(strings, { maxLength: 4 }),
    strings,
    fc.constant(['true']),
    fc.constant(`"unterminated 'quote \\`),
    junk,
  ),
  entrypoint: fc.oneof(fc.array(strings, { maxLength: 3 }), strings, junk),
  environment: dict(fc.oneof(strings, junk)),
  secret_environment: dict(fc.oneof(secretStrings, secretJunk), secretJunk),
  volumes: fc.oneof(
    { weight: 3, arbitrary: fc.array(volume(), { maxLength: 4 }) },
    { weight: 1, arbitrary: junk },
  ),
  resources: fc.oneof(
    fc.record(
      {
        cpu_limit: fc.oneof(fc.constantFrom('1.0', '0', '-1', '1e9', '0.000000001'), durations, junk),
        memory_limit: fc.oneof(
          fc.constantFrom('512m', '1k', '5m', '6m', '99999999999g', '1.5g', ''),
          durations,
          junk,
        ),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  working_dir: fc.oneof(fc.constantFrom('/tmp', '/', 'rel', '/a/../..'), strings, junk),
  user: fc.oneof(fc.constantFrom('nobody', '65534:65534', 'root', ':', '0:'), strings, junk),
  network: fc.oneof(fc.constantFrom('none', 'host', 'bridge', 'container:x'), strings, junk),
  pull_policy: fc.oneof(fc.constantFrom('never', 'always', 'if-not-present', 'sometimes'), junk),
  auth: fc.oneof(
    fc.record(
      {
        username: fc.oneof(strings, junk),
        password: fc.oneof(secretStrings, secretJunk),
        token: fc.oneof(secretStrings, secretJunk),
        server_address: fc.oneof(strings, junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  labels: dict(fc.oneof(strings, junk)),
  stop_grace_period: durations,
  timeout: durations,
  outputs_file: fc.oneof(fc.constantFrom('/tmp/out.json', 'rel.json', '/'), strings, junk),
  keep_container: fc.oneof(fc.boolean(), junk),
});

const config = () => hostileConfigs(fields(), { image: IMAGE, command: ['true'] });

const work = (executor_config: unknown): Work =>
  ({ id: 'prop', type: 'docker', executor_config }) as unknown as Work;

let executor: DockerExecutor;
let registry: EnhancedWorkRegistry;
beforeAll(async () => {
  allowed = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-prop-')));
  symlinkSync('/', join(allowed, 'root-link'));
  executor = await newExecutor({ allowed_host_paths: [allowed] });
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('docker', executor);
});
afterAll(async () => {
  await executor.shutdown();
  rmSync(allowed, { recursive: true, force: true });
});

describe('random executor_configs (property)', () => {
  it('validateWork: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    const { accepted } = await checkHostileWorks({
      type: 'docker',
      check: (w) => registry.validateWork(w),
      configs: config(),
      numRuns: 3000,
    });
    expect(accepted).toBeGreaterThan(0); // some got through every check
  }, 300_000);

  it('validateWork with the dry run (asks the engine about the image, runs nothing): the same', async () => {
    await checkHostileWorks({
      type: 'docker',
      check: (w) => registry.validateWork(w, { dryRun: true }),
      configs: config(),
      numRuns: 300,
    });
  }, 300_000);

  it('a refused host path is always reported at its volume source, naming the setting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sources(), { minLength: 1, maxLength: 3 }), async (list) => {
        const volumes = list.map((source, i) => ({ source, target: `/m${i}` }));
        const outcome = await bounded(registry.validateWork(work({ image: IMAGE, volumes })));
        if (outcome.ok) return;
        expectWellFormedRejection(outcome.error);
        for (const issue of (outcome.error as ValidationError).issues) {
          expect(issue.path).toMatch(/^executor_config\.volumes\[\d\]\.source$/);
          if (issue.message.startsWith('mounting'))
            expect(issue.message).toMatch(/allowing it takes .*(allowed_host_paths|allow_dangerous_mounts)/);
        }
      }),
      { numRuns: 1000 },
    );
  }, 300_000);

  it('a 1 MB secret value in an invalid work: a ValidationError, without the value', async () => {
    for (const config of [
      { image: 'Not A/Reference', secret_environment: { A: HUGE } },
      { image: IMAGE, auth: { username: 'u', password: HUGE }, volumes: [{ source: '/etc', target: '/e' }] },
    ]) {
      const outcome = await bounded(registry.validateWork(work(config)));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expectWellFormedRejection(outcome.error);
      expect((outcome.error as Error).message).not.toContain(HUGE.slice(0, 100));
    }
  }, 120_000);
});
