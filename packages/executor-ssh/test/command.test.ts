import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointSchema } from '../src/config';
import { connect } from '../src/connect';
import { openExec, runExec } from '../src/exec';
import { remoteCommand } from '../src/remote-command';
import { countRemoteMarked } from './support/processes';
import { harness, lines, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  sshd = await startSshd(['AcceptEnv UBOM_*']);
  h = await harness();
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await sshd?.stop();
});

const run = (config: Record<string, unknown>) => h.run({ ...target(sshd), ...config });

describe('running remote commands', () => {
  it('streams stdout and stderr live, line by line, and reports exit_code, tails and metrics', async () => {
    const { result, live } = await run({ command: 'echo one; echo two >&2; printf "three\\nfour"' });
    expect(result.success).toBe(true);
    expect(lines(live, 'stdout')).toEqual(['one', 'three', 'four']);
    expect(lines(live, 'stderr')).toEqual(['two']);
    expect(result.outputs).toEqual({
      exit_code: 0,
      signal: null,
      stdout: 'one\nthree\nfour',
      stderr: 'two\n',
      host: sshd.host,
    });
    expect(result.metrics).toMatchObject({ exitCode: 0, stdoutBytes: 14, stderrBytes: 4 });
  });

  it('a non-zero exit resolves success:false with the code and the last stderr lines', async () => {
    const { result } = await run({ command: 'echo fine; echo "it broke" >&2; exit 7' });
    expect(result).toMatchObject({
      success: false,
      error: 'the remote command exited with code 7: it broke',
      outputs: { exit_code: 7 },
    });
  });

  it('quotes an argv for the remote shell: every word arrives as it was written', async () => {
    const words = ["it's", 'a b', '$HOME', '`id`', ';', '|', '*', '', 'new\nline'];
    const { result } = await run({ command: ['printf', '[%s]\\n', ...words] });
    expect(result.outputs.stdout).toBe(words.map((w) => `[${w}]\n`).join(''));
  });

  it('a string command is shell code, run by the login shell', async () => {
    const { result } = await run({ command: 'for i in 1 2 3; do printf "$i"; done | wc -c' });
    expect(String(result.outputs.stdout).trim()).toBe('3');
  });

  it('sets environment and secret_environment (exact bytes; a secret wins over a plain one), in cwd', async () => {
    const secret = `multi\nline "secret" 'x' \\n\r\n ${randomUUID()}\n\n`;
    const { result } = await run({
      command: 'printf "%s|%s|%s|" "$PLAIN" "$(pwd)" "$BOTH"; printf "%s" "$SECRET" | sha256sum',
      environment: { PLAIN: 'a b $c', BOTH: 'plain' },
      secret_environment: { SECRET: secret, BOTH: 'the secret one' },
      cwd: '/tmp',
    });
    expect(result.error).toBeUndefined();
    const digest = createHash('sha256').update(secret).digest('hex');
    // the secret BOTH is masked in the output like any secret
    expect(result.outputs.stdout).toBe(`a b $c|/tmp|***|${digest}  -\n`);
  });

  it("a secret never reaches a remote command line (the server's ps does not show it)", async () => {
    const secret = `hidden-${randomUUID()}`;
    const { result } = await run({
      // `case` is a builtin: no process is started with the value in its arguments
      command: 'out=$(ps -ww -e -o args=); case "$out" in *"$TOKEN"*) echo leaked;; *) echo clean;; esac',
      secret_environment: { TOKEN: secret },
    });
    expect(result.outputs.stdout).toBe('clean\n');
  });

  it('a missing cwd fails with the shell saying so', async () => {
    const { result } = await run({ command: 'echo never', cwd: '/ubom/no/such/dir' });
    expect(result.success).toBe(false);
    expect(result.outputs).toMatchObject({ exit_code: 1, stdout: '' });
    expect(result.error).toMatch(/exited with code 1: .*\/ubom\/no\/such\/dir/);
  });

  it('the command reads end-of-file on stdin, and the pid line stays out of stderr', async () => {
    const { result, live } = await run({ command: 'cat; echo "after cat"' });
    expect(result.outputs).toMatchObject({ stdout: 'after cat\n', stderr: '' });
    expect(lines(live, 'stderr')).toEqual([]);
  });

  it('with pty: a terminal, stderr merged into stdout, secrets not echoed', async () => {
    const secret = `pty-${randomUUID()}`;
    const { result, live } = await run({
      command:
        '[ -t 1 ] && echo "a tty"; echo to-stderr >&2; printf "len %s\\n" "$(printf %s "$TOKEN" | wc -c)"',
      secret_environment: { TOKEN: secret },
      pty: true,
    });
    expect(result.error).toBeUndefined();
    expect(lines(live, 'stdout')).toEqual(['a tty', 'to-stderr', `len ${secret.length}`]);
    expect(result.outputs.stdout).toBe(`a tty\r\nto-stderr\r\nlen ${secret.length}\r\n`);
    expect(JSON.stringify(live)).not.toContain('pty-');
  });

  it('keeps bounded tails of a big output while streaming every line', async () => {
    let count = 0;
    const { result } = await h.run(
      { ...target(sshd), command: 'seq 1 40000' },
      {
        onLog: (e) => {
          if (e.source === 'stdout') count++;
        },
      },
    );
    expect(count).toBe(40000);
    expect(result.metrics.stdoutBytes).toBeGreaterThan(200_000);
    expect(String(result.outputs.stdout).length).toBeLessThanOrEqual(64 * 1024);
    expect(String(result.outputs.stdout).endsWith('39999\n40000\n')).toBe(true);
  });

  it('remote_shell none: the command as written, variables as env requests (AcceptEnv)', async () => {
    const { result } = await run({
      remote_shell: 'none',
      command: 'echo "$UBOM_PLAIN/$UBOM_SECRET"',
      environment: { UBOM_PLAIN: 'p' },
      secret_environment: { UBOM_SECRET: 'sekrit-value' },
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs.stdout).toBe('p/***\n');
  });

  it('stops processes the command left behind holding its output, and says so', async () => {
    const mark = randomUUID();
    const { result, live } = await run({
      command: 'sleep 30 & echo started',
      environment: { UBOM_TEST_MARK: mark },
      kill_grace_period: '1s',
    });
    expect(result.success).toBe(true);
    expect(result.metrics.straysStopped).toBe(true);
    expect(live.some((e) => e.level === 'warn' && /left behind/.test(e.message))).toBe(true);
    expect(countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark)).toBe(0);
  });

  it('a command that ended before its session was watched still reports its exit status', async () => {
    const connection = await connect(
      {
        endpoint: endpointSchema.parse(target(sshd)),
        path: 'executor_config',
        agentPath: undefined,
        policy: { path: 'p', source: 'host_key', fingerprints: [sshd.fingerprints['ssh-ed25519']] },
      },
      undefined,
      { signal: undefined, connectTimeoutMs: 10_000, keepaliveMs: 0 },
    );
    try {
      const command = remoteCommand({ remote_shell: 'posix', command: 'echo quick; exit 3' });
      const channel = await openExec(connection.client, command, false);
      // everything (output, exit status, close) has arrived before anyone listens
      await new Promise((r) => setTimeout(r, 500));
      const sink = { write: () => {}, end: () => {} };
      const outcome = await runExec(channel, {
        client: connection.client,
        command,
        pty: false,
        signal: new AbortController().signal,
        graceMs: 1000,
        stdout: sink,
        stderr: sink,
        notice: () => {},
        stopGroup: async () => {},
      });
      expect(outcome).toMatchObject({ exitCode: 3, stopped: false });
      expect(outcome.stdout.toString()).toBe('quick\n');
    } finally {
      connection.close();
      await connection.closed;
    }
  });
});
