import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, rejection, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
let agent: ChildProcess | undefined;
let agentSocket: string;

beforeAll(async () => {
  sshd = await startSshd();
  h = await harness({ idle_timeout: 0 });
  // a real ssh-agent holding the test login's key
  agentSocket = join(sshd.dir, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
  execFileSync('ssh-add', ['-q', join(sshd.dir, 'user')], {
    env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
  });
});
afterAll(async () => {
  await h?.plugin.shutdown();
  agent?.kill();
  await sshd?.stop();
});

const noKey = (extra: Record<string, unknown>) => {
  const { private_key: _, ...rest } = target(sshd);
  return { ...rest, ...extra, command: 'id -un' };
};
const whoami = async (config: Record<string, unknown>) => {
  const { result } = await h.run(config);
  expect(result.error).toBeUndefined();
  expect(result.outputs.stdout).toBe(`${sshd.user}\n`);
};

describe('authentication against a real sshd', () => {
  it('with a private key', () => whoami({ ...target(sshd), command: 'id -un' }));

  it('with an encrypted private key and its passphrase', () =>
    whoami(noKey({ private_key: sshd.encryptedKey, passphrase: sshd.passphrase })));

  it('refuses an encrypted key without its passphrase, or with a wrong one, at the right path', async () => {
    const missing = await rejection(h.run(noKey({ private_key: sshd.encryptedKey })));
    expect(missing.issues).toEqual([{ path: 'executor_config.passphrase', message: expect.any(String) }]);
    const wrong = await rejection(
      h.run(noKey({ private_key: sshd.encryptedKey, passphrase: 'wrong horse' })),
    );
    expect(wrong.code).toBe('VALIDATION');
    expect(String(wrong)).toMatch(/private key|passphrase/i);
    expect(String(wrong)).not.toContain('wrong horse');
  });

  it('with a password (and the password never shows)', async () => {
    await whoami(noKey({ password: sshd.password }));
    const error = await rejection(h.run(noKey({ password: 'not-the-password' })));
    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toEqual([
      {
        path: 'executor_config.password',
        message: expect.stringMatching(/authentication as .* failed \(tried password\)/),
      },
    ]);
    expect(JSON.stringify(error) + String(error)).not.toContain('not-the-password');
  });

  it('with a real ssh-agent, by socket path or SSH_AUTH_SOCK', async () => {
    await whoami(noKey({ agent: agentSocket }));
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agentSocket;
    try {
      await whoami(noKey({ agent: true }));
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('refuses a key the server does not know, as a ValidationError at private_key', async () => {
    const error = await rejection(h.run(noKey({ private_key: sshd.strangerKey })));
    expect(error.issues).toEqual([
      { path: 'executor_config.private_key', message: expect.stringMatching(/failed \(tried private_key\)/) },
    ]);
    expect(error.code).toBe('VALIDATION');
  });

  it('a malformed private key is a ValidationError at private_key that does not quote it', async () => {
    const error = await rejection(h.run(noKey({ private_key: 'not-a-key-at-all-3f9a' })));
    expect(error.issues).toEqual([{ path: 'executor_config.private_key', message: expect.any(String) }]);
    expect(String(error)).not.toContain('not-a-key-at-all-3f9a');
  });

  it('a closed port is a retryable UnavailableError', async () => {
    const error = await rejection(h.run({ ...target(sshd), port: 1, command: 'true' }));
    expect(error.code).toBe('UNAVAILABLE');
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect(String(error)).toMatch(/ECONNREFUSED/);
  });
});
