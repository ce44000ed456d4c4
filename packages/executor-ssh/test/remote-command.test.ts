import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandText, PID_MARK, remoteCommand, shellQuote } from '../src/remote-command';

const shells = ['dash', 'bash', 'busybox sh'].filter((shell) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell.split(' ')[0]}`]);
    return true;
  } catch {
    return false;
  }
});

/** Runs the exec string in a local shell as sshd would (`$SHELL -c`), stdin as the executor sends it. */
function runLocally(shell: string, config: Parameters<typeof remoteCommand>[0]) {
  const { exec, stdin } = remoteCommand(config);
  const [program, ...args] = shell.split(' ') as [string, ...string[]];
  try {
    const stdout = execFileSync(program, [...args, '-c', exec], {
      input: stdin,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { stdout, status: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; status: number };
    return { stdout: e.stdout, stderr: e.stderr, status: e.status };
  }
}

const posix = { remote_shell: 'posix' as const };
const weird = ["it's", 'a b', '$HOME', '`id`', '"q"', '\\n', '*', '', 'new\nline', 'ü'];

describe('shellQuote and commandText', () => {
  it('leaves plainly safe words alone and single-quotes the rest', () => {
    expect(shellQuote('ls')).toBe('ls');
    expect(shellQuote('/srv/app-1.2/x=y,z@h:p%')).toBe('/srv/app-1.2/x=y,z@h:p%');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
    expect(commandText('ls -l | wc -l')).toBe('ls -l | wc -l');
  });

  for (const shell of shells)
    it(`an argv reaches the program word for word through ${shell}`, () => {
      const { stdout } = runLocally(shell, { ...posix, command: ['printf', '[%s]\\n', ...weird] });
      expect(stdout).toBe(weird.map((w) => `[${w}]\n`).join(''));
    });
});

describe('the POSIX prelude', () => {
  for (const shell of shells) {
    it(`sets plain and secret variables (line breaks, quotes, backslashes kept) and the cwd in ${shell}`, () => {
      const tricky = 'multi\nline \\n with \'quotes\' "and" $dollars\r\n\n';
      const { stdout, status } = runLocally(shell, {
        ...posix,
        command: 'printf "%s|%s|%s|%s" "$PLAIN" "$SECRET" "$BOTH" "$(pwd)"',
        environment: { PLAIN: "it's $HOME", BOTH: 'plain' },
        secret_environment: { SECRET: tricky, BOTH: 'secret wins' },
        cwd: '/tmp',
      });
      expect(status).toBe(0);
      expect(stdout).toBe(`it's $HOME|${tricky}|secret wins|/tmp`);
    });

    it(`reports the shell's pid first on stderr, and the command reads end-of-file in ${shell}`, () => {
      const { exec } = remoteCommand({ ...posix, command: 'cat; echo "read done $$"' });
      const [program, ...args] = shell.split(' ') as [string, ...string[]];
      const run = spawnSync(program, [...args, '-c', exec], {
        input: 'not for the command',
        encoding: 'utf8',
      });
      const pid = new RegExp(`^${PID_MARK}(\\d+)\\n$`).exec(run.stderr)?.[1];
      expect(pid, run.stderr).toBeDefined();
      expect(run.stdout).toBe(`read done ${pid}\n`);
    });

    it(`expands a leading ~ of cwd to the home directory in ${shell}`, () => {
      const { stdout } = runLocally(shell, { ...posix, command: 'pwd', cwd: '~/' });
      expect(stdout).toBe(`${process.env.HOME}\n`);
    });

    it(`fails with the shell's message when the cwd does not exist in ${shell}`, () => {
      const result = runLocally(shell, { ...posix, command: 'echo never', cwd: '/ubom/no/such/dir' });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
    });
  }

  it('puts no secret value into the exec string, only into stdin', () => {
    const command = remoteCommand({ ...posix, command: 'true', secret_environment: { TOKEN: 's3cret' } });
    expect(command.exec).not.toContain('s3cret');
    expect(command.stdin).toBe('s3cret\n');
    expect(command.reportsPid).toBe(true);
  });

  it('remote_shell none sends the command as written and the variables as env requests', () => {
    const command = remoteCommand({
      remote_shell: 'none',
      command: 'show version',
      environment: { A: '1' },
      secret_environment: { B: '2' },
    });
    expect(command).toEqual({ exec: 'show version', stdin: '', env: { A: '1', B: '2' }, reportsPid: false });
  });
});
