import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor, fingerprintOf, parseKnownHosts, patternsMatch } from '../src/host-keys';
import { harness, rejection, withHostKeys, work } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  sshd = await startSshd();
  // no default known_hosts files: an unchecked host is refused, whatever this machine's ~/.ssh holds
  h = await harness({ known_hosts_files: [], idle_timeout: 0 });
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await sshd?.stop();
});

const ok = async (keys: Record<string, unknown>) => {
  const { result } = await h.run({ ...withHostKeys(sshd, keys), command: 'true' });
  expect(result.error).toBeUndefined();
  return result;
};
const refused = (keys: Record<string, unknown>) =>
  rejection(h.run({ ...withHostKeys(sshd, keys), command: 'echo should-not-run' }));

describe('known_hosts parsing', () => {
  it('reads plain, [host]:port, wildcard, negated and hashed names, and skips comments and junk', () => {
    const name = Buffer.from('ssh-ed25519');
    const blob = Buffer.concat([Buffer.from([0, 0, 0, name.length]), name, Buffer.alloc(36, 7)]);
    const hosts = parseKnownHosts(
      [
        '# a comment',
        '',
        `build-1,10.0.0.5 ssh-ed25519 ${blob.toString('base64')}`,
        `[bastion]:2222 ssh-ed25519 ${blob.toString('base64')}`,
        `*.example.com,!evil.example.com ssh-ed25519 ${blob.toString('base64')}`,
        'not a valid line',
        `@revoked old ssh-ed25519 ${blob.toString('base64')}`,
      ].join('\n'),
    );
    expect(hosts.map((h) => h.patterns)).toEqual([
      'build-1,10.0.0.5',
      '[bastion]:2222',
      '*.example.com,!evil.example.com',
      'old',
    ]);
    expect(entriesFor(hosts, '10.0.0.5', 22)).toHaveLength(1);
    expect(entriesFor(hosts, 'bastion', 2222)).toHaveLength(1);
    expect(entriesFor(hosts, 'bastion', 22)).toHaveLength(0);
    expect(patternsMatch('*.example.com,!evil.example.com', 'app.example.com')).toBe(true);
    expect(patternsMatch('*.example.com,!evil.example.com', 'evil.example.com')).toBe(false);
  });

  it('fingerprints a key as ssh-keygen does', () => {
    const pub = execFileSync('cat', [join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' });
    expect(fingerprintOf(Buffer.from(pub.split(' ')[1] as string, 'base64'))).toBe(
      sshd.fingerprints['ssh-ed25519'],
    );
  });
});

describe('host key verification against a real sshd', () => {
  it('accepts the pinned fingerprint, or one of a list', async () => {
    await ok({ host_key: sshd.fingerprints['ssh-ed25519'] });
    await ok({ host_key: [`SHA256:${'B'.repeat(43)}`, sshd.fingerprints['ssh-ed25519']] });
  });

  it('refuses another fingerprint, showing the one the server offered', async () => {
    const error = await refused({ host_key: `SHA256:${'A'.repeat(43)}` });
    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toEqual([
      {
        path: 'executor_config.host_key',
        message: expect.stringContaining(sshd.fingerprints['ssh-ed25519']),
      },
    ]);
  });

  it('accepts known_hosts text, and prefers the key type it lists (ecdsa only here)', async () => {
    await ok({ known_hosts: sshd.knownHosts });
    const ecdsaOnly = sshd.knownHosts
      .split('\n')
      .filter((l) => l.includes('ecdsa'))
      .join('\n');
    await ok({ known_hosts: ecdsaOnly });
  });

  it('accepts a hashed known_hosts file (ssh-keygen -H)', async () => {
    const file = join(sshd.dir, 'known_hosts_hashed');
    writeFileSync(file, sshd.knownHosts);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    await ok({ known_hosts_file: file });
  });

  it('refuses a host known_hosts does not list, showing the offered fingerprint', async () => {
    const other = sshd.knownHosts.replaceAll(`[127.0.0.1]:${sshd.port}`, '[127.0.0.1]:1');
    const error = await refused({ known_hosts: other });
    expect(error.issues).toEqual([
      {
        path: 'executor_config.known_hosts',
        message: expect.stringMatching(/is not in known_hosts; the server offered ssh-ed25519 SHA256:/),
      },
    ]);
    expect(String(error)).toContain(sshd.fingerprints['ssh-ed25519']);
  });

  it('refuses a changed key (known_hosts lists another ed25519 key for the host)', async () => {
    const strangerPub = execFileSync('ssh-keygen', ['-y', '-f', join(sshd.dir, 'stranger')], {
      encoding: 'utf8',
    });
    const error = await refused({ known_hosts: `[127.0.0.1]:${sshd.port} ${strangerPub}` });
    expect(String(error)).toMatch(/does not match known_hosts .*offered ssh-ed25519 SHA256:/s);
  });

  it('refuses a key marked @revoked', async () => {
    const line = sshd.knownHosts.split('\n')[0] as string;
    const error = await refused({ known_hosts: `@revoked ${line}\n${line}` });
    expect(String(error)).toMatch(/@revoked/);
  });

  it('with no setting, checks the plugin known_hosts files, and refuses an unknown host', async () => {
    const error = await refused({});
    expect(error.issues).toEqual([
      {
        path: 'executor_config.host_key',
        message: expect.stringMatching(/is not in no known_hosts file; the server offered/),
      },
    ]);
    const file = join(sshd.dir, 'plugin_known_hosts');
    writeFileSync(file, sshd.knownHosts);
    const other = await harness({ known_hosts_files: ['/ubom/none/known_hosts', file] });
    const { result } = await other.run({ ...withHostKeys(sshd, {}), command: 'true' });
    expect(result.error).toBeUndefined();
    await other.plugin.shutdown();
  });

  it('a known_hosts_file that cannot be read is a ValidationError at its path', async () => {
    const error = await refused({ known_hosts_file: '/ubom/no/known_hosts' });
    expect(error.issues).toEqual([
      { path: 'executor_config.known_hosts_file', message: expect.stringMatching(/ENOENT/) },
    ]);
  });

  it('insecure_accept_any_host_key connects and logs a warning on every work', async () => {
    for (let i = 0; i < 2; i++) {
      const { result, live } = await h.run({
        ...withHostKeys(sshd, { insecure_accept_any_host_key: true }),
        command: 'true',
      });
      expect(result.success).toBe(true);
      expect(live.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
        expect.stringMatching(/host key .* is NOT verified/),
      ]);
    }
  });

  it('refuses two host key settings at once, and insecure_accept_any_host_key: false', async () => {
    const error = await rejection(
      h.registry.validateWork(
        work({
          ...withHostKeys(sshd, { host_key: sshd.fingerprints['ssh-ed25519'], known_hosts: sshd.knownHosts }),
          command: 'true',
        }),
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'executor_config.known_hosts',
        message: expect.stringMatching(/cannot be combined with host_key/),
      },
    ]);
    const off = await refused({ insecure_accept_any_host_key: false });
    expect(error.code).toBe('VALIDATION');
    expect(off.issues).toEqual([
      { path: 'executor_config.insecure_accept_any_host_key', message: expect.any(String) },
    ]);
  });

  it('the dry run connects and checks the key without running anything', async () => {
    await expect(
      h.registry.validateWork(
        work({ ...withHostKeys(sshd, { known_hosts: sshd.knownHosts }), command: 'x' }),
        { dryRun: true },
      ),
    ).resolves.toBeUndefined();
    const error = await rejection(
      h.registry.validateWork(
        work({ ...withHostKeys(sshd, { host_key: `SHA256:${'C'.repeat(43)}` }), command: 'x' }),
        { dryRun: true },
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'executor_config.host_key',
        message: expect.stringContaining(sshd.fingerprints['ssh-ed25519']),
      },
    ]);
  });
});
