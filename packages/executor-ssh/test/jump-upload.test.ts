import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledCount, sshdConnections } from './support/processes';
import { harness, rejection, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
let bastion: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  [sshd, bastion] = await Promise.all([startSshd(), startSshd()]);
  h = await harness();
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await Promise.all([sshd?.stop(), bastion?.stop()]);
});

describe('jump_host', () => {
  it('runs the command on the target through the bastion, both host keys checked', async () => {
    const { result } = await h.run({
      ...target(sshd),
      host: 'localhost', // as the bastion resolves it
      jump_host: target(bastion),
      command: 'echo "via $SSH_CONNECTION"',
    });
    expect(result.error, JSON.stringify(result, null, 1) + bastion.log() + sshd.log()).toBeUndefined();
    expect(result.outputs.stdout).toMatch(/^via 127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
    expect(sshdConnections(bastion.pid)).toBe(1);
    expect(sshdConnections(sshd.pid)).toBe(1);
    await h.plugin.shutdown();
    expect(await settledCount(() => sshdConnections(bastion.pid) + sshdConnections(sshd.pid))).toBe(0);
  });

  it("refuses a bastion whose key does not match, at jump_host's path", async () => {
    const error = await rejection(
      h.run({
        ...target(sshd),
        jump_host: { ...target(bastion), host_key: sshd.fingerprints['ssh-ed25519'] },
        command: 'true',
      }),
    );
    expect(error.issues).toEqual([
      {
        path: 'executor_config.jump_host.host_key',
        message: expect.stringContaining(bastion.fingerprints['ssh-ed25519']),
      },
    ]);
  });

  it('a target the bastion cannot reach is an UnavailableError naming it', async () => {
    const error = await rejection(
      h.run({ ...target(sshd), port: 1, jump_host: target(bastion), command: 'true' }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(String(error)).toMatch(/the jump host could not reach 127\.0\.0\.1:1/);
  });
});

describe('upload over SFTP before the command', () => {
  it('writes content and a local source with their modes, then runs the command', async () => {
    const local = join(sshd.dir, 'local-script.sh');
    writeFileSync(local, '#!/bin/sh\necho "script ran with $1"\n');
    const remoteDir = `/tmp/ubom-upload-${process.pid}-${Date.now()}`;
    const { result } = await h.run({
      ...target(sshd),
      upload: [
        { target: `${remoteDir}-config.json`, content: '{"answer":42}', mode: '0600' },
        { target: `${remoteDir}-script.sh`, source: local, mode: '755' },
      ],
      command: `cat ${remoteDir}-config.json; echo; ${remoteDir}-script.sh ok`,
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs.stdout).toBe('{"answer":42}\nscript ran with ok\n');
    expect(result.metrics).toMatchObject({ uploadFiles: 2, uploadBytes: 13 + readFileSync(local).length });
    expect(statSync(`${remoteDir}-config.json`).mode & 0o777).toBe(0o600);
    expect(statSync(`${remoteDir}-script.sh`).mode & 0o777).toBe(0o755);
    for (const file of ['config.json', 'script.sh']) rmSync(`${remoteDir}-${file}`);
  });

  it('a relative target lands in the login directory', async () => {
    const name = `ubom-upload-${Date.now()}.txt`;
    const { result } = await h.run({
      ...target(sshd),
      upload: [{ target: name, content: 'home\n' }],
      command: `cat "$HOME/${name}"; rm "$HOME/${name}"`,
    });
    expect(result.outputs.stdout).toBe('home\n');
  });

  it('a target the login cannot write is a ValidationError at its path, and nothing runs', async () => {
    const error = await rejection(
      h.run({
        ...target(sshd),
        upload: [{ target: '/ubom/no/such/dir/file', content: 'x' }],
        command: 'echo should-not-run',
      }),
    );
    expect(error.issues).toEqual([
      { path: 'executor_config.upload[0].target', message: expect.stringMatching(/cannot write/) },
    ]);
  });

  it('a missing local source is found by the dry run, and content and source are exclusive', async () => {
    const work = (upload: unknown[]) => ({
      id: 'u',
      type: 'ssh',
      executor_config: { ...target(sshd), upload, command: 'true' },
    });
    const missing = await rejection(
      h.registry.validateWork(work([{ target: 'x', source: '/ubom/no/such/file' }]), { dryRun: true }),
    );
    expect(missing.issues).toEqual([
      { path: 'executor_config.upload[0].source', message: expect.stringMatching(/ENOENT/) },
    ]);
    const both = await rejection(
      h.registry.validateWork(work([{ target: 'x', source: '/a', content: 'b' }])),
    );
    expect(both.issues).toEqual([
      { path: 'executor_config.upload[0]', message: 'give exactly one of content or source' },
    ]);
  });
});
