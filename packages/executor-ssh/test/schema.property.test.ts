import {
  BIG,
  checkHostileRuns,
  checkHostileWorks,
  hostileConfigs,
  hostileKeys,
  hostileRecord,
  hostileValues,
  nearlyValidConfigs,
  nested,
  withProto,
} from '@ubom/testkit/property';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

/*
 * Random executor_configs (issue 12, "Tests that stay"): wrong types, huge strings, deep nesting,
 * `__proto__` keys, lone surrogates, NaN/Infinity, extreme durations. Through registry.validateWork,
 * and through execute on a real sshd: never a crash nor a hang, every rejection a UbomError whose
 * issues carry paths.
 */

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  sshd = await startSshd();
  h = await harness();
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await sshd?.stop();
});

const { strings, durations, junk, secretJunk, secret } = hostileValues();
const envNames = hostileKeys(['PATH', 'LC_ALL', 'UBOM_X']);
const fingerprint = fc.oneof(
  fc.constantFrom(`SHA256:${'A'.repeat(43)}`, 'SHA256:short', 'MD5:aa:bb', `SHA256:${'A'.repeat(43)}==`),
  strings,
);

/** Where and as whom to connect: each key, plausible values and junk (shared by `jump_host`). */
const endpoint = () => ({
  host: fc.oneof(fc.constantFrom('127.0.0.1', '', 'no such host', BIG, '[::1'), strings, junk),
  port: fc.oneof(fc.constantFrom(0, 1, 22, 65535, 65536, -1, 2.5), durations, junk),
  username: fc.oneof(fc.constantFrom('root', ''), strings, junk),
  private_key: fc.oneof(fc.constant('-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n'), secret),
  passphrase: secret,
  password: secret,
  agent: fc.oneof(fc.constantFrom(true, false, '/no/such.sock', ''), strings, junk),
  host_key: fc.oneof(fingerprint, fc.array(fingerprint, { maxLength: 3 }), junk),
  known_hosts: fc.oneof(
    fc.constantFrom('[127.0.0.1]:22 ssh-ed25519 AAAA', '|1|x|y ssh-rsa Z'),
    strings,
    junk,
  ),
  known_hosts_file: fc.oneof(fc.constantFrom('/no/such', '/etc/passwd', '~/.ssh/known_hosts'), strings, junk),
  insecure_accept_any_host_key: fc.oneof(fc.boolean(), junk),
});

/** What the command gets, each key: what execute may run (the command is always an argv, quoted). */
const commandFields = () => ({
  command: fc.oneof(
    fc
      .tuple(fc.constantFrom('echo', 'true', 'printf'), fc.array(strings, { maxLength: 3 }))
      .map(([p, a]) => [p, ...a]),
    fc.constant([]),
    junk,
  ),
  environment: hostileRecord(fc.oneof(strings, junk), { keys: envNames }),
  secret_environment: hostileRecord(secret, { keys: envNames, other: secretJunk }),
  cwd: fc.oneof(fc.constantFrom('/tmp', '~', '~/', '/no/such/dir', '/etc/passwd', `/${BIG}`), strings, junk),
  pty: fc.oneof(fc.boolean(), junk),
  kill_grace_period: durations,
  connect_timeout: durations,
  timeout: durations,
});

/** Every key: only validateWork gets the hostile endpoints, shell code and uploads. */
const fields = () => ({
  ...endpoint(),
  ...commandFields(),
  command: fc.oneof(commandFields().command, strings, junk),
  jump_host: fc.oneof(fc.record(endpoint(), { requiredKeys: [] }), junk),
  remote_shell: fc.oneof(fc.constantFrom('posix', 'none', 'cmd'), junk),
  upload: fc.oneof(
    fc.array(
      fc.oneof(
        fc.record(
          {
            target: fc.oneof(strings, junk),
            content: fc.oneof(strings, junk),
            source: fc.oneof(fc.constantFrom('/no/such', '/etc/passwd'), strings, junk),
            mode: fc.oneof(fc.constantFrom('0600', '755', '999', '7777'), strings, junk),
          },
          { requiredKeys: [] },
        ),
        junk,
      ),
      { maxLength: 3 },
    ),
    junk,
  ),
});

const valid = () => ({ ...target(sshd), command: ['true'] });

describe('random ssh executor_configs (property)', () => {
  it('validateWork: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    const { accepted, refused } = await checkHostileWorks({
      type: 'ssh',
      check: (w) => h.registry.validateWork(w),
      configs: hostileConfigs(fields(), valid()),
      numRuns: 1500,
      examples: [
        { ...valid(), environment: nested(10_000, 'x') },
        { ...valid(), timeout: '9999999999h', kill_grace_period: Number.NaN },
        withProto(valid(), { command: 'rm -rf ~' }),
        { ...valid(), secret_environment: { A: '\uD800' }, jump_host: { host: BIG } },
      ],
    });
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('execute on a real sshd (an argv, up to two keys changed): a WorkResult or a well-formed rejection', async () => {
    const { accepted } = await checkHostileRuns({
      type: 'ssh',
      execute: (work) => h.registry.execute(work),
      configs: nearlyValidConfigs(commandFields(), valid(), 2),
      numRuns: 100,
      examples: [
        { ...valid(), command: ['echo', '\uD800', 'a\0b'] },
        { ...valid(), timeout: '596h', kill_grace_period: '596h', connect_timeout: '596h' },
        { ...valid(), timeout: '1ns' },
        { ...valid(), secret_environment: { A: 'x\0y' }, cwd: '\uD800' },
      ],
    });
    expect(accepted).toBeGreaterThan(10); // some of them got as far as a command
  }, 300_000);
});
