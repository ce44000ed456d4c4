import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/** A real OpenSSH server on a loopback port, with its keys and the test login's keys in a temp folder. */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** pid of the listening sshd (each connection is one child of it). */
  pid: number;
  /** `SHA256:…` of each host key, by type (`ssh-ed25519`, `ecdsa-sha2-nistp256`). */
  fingerprints: { 'ssh-ed25519': string; 'ecdsa-sha2-nistp256': string };
  /** known_hosts text for this server (both host keys, `[127.0.0.1]:port`). */
  knownHosts: string;
  /** Private keys of the test login: plain, and encrypted with `passphrase`. */
  privateKey: string;
  encryptedKey: string;
  passphrase: string;
  /** A key pair the server does not know. */
  strangerKey: string;
  log(): string;
  stop(): Promise<void>;
}

const keygen = (file: string, type: string, passphrase = '', comment = 'ubom-test') =>
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', file]);

const fingerprint = (pub: string) =>
  execFileSync('ssh-keygen', ['-lf', pub]).toString().split(' ')[1] as string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}:\n${log()}`);
}

/** Starts sshd (as root, `-D`) for one test file; `stop()` kills it and removes the folder. */
export async function startSshd(extraConfig: string[] = []): Promise<TestSshd> {
  const user = inject('sshTestUser');
  const dir = mkdtempSync(join(tmpdir(), 'ubom-sshd-'));
  // sshd reads authorized_keys as the login, not as root
  chmodSync(dir, 0o755);
  const path = (name: string) => join(dir, name);
  keygen(path('host_ed25519'), 'ed25519');
  keygen(path('host_ecdsa'), 'ecdsa');
  keygen(path('user'), 'ed25519');
  keygen(path('user_enc'), 'ed25519', 'correct horse');
  keygen(path('stranger'), 'ed25519');
  writeFileSync(
    path('authorized_keys'),
    readFileSync(path('user.pub'), 'utf8') + readFileSync(path('user_enc.pub'), 'utf8'),
  );
  writeFileSync(
    path('sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${path('host_ed25519')}`,
      `HostKey ${path('host_ecdsa')}`,
      'PidFile none',
      `AuthorizedKeysFile ${path('authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      'MaxStartups 200:30:400',
      'LogLevel VERBOSE',
      ...extraConfig,
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    '/usr/sbin/sshd',
    ['-D', '-f', path('sshd_config'), '-p', String(port), '-E', path('sshd.log')],
    {
      stdio: 'ignore',
    },
  );
  const log = () => {
    try {
      return readFileSync(path('sshd.log'), 'utf8');
    } catch {
      return '';
    }
  };
  await waitForPort(port, child, log);
  const fingerprints = {
    'ssh-ed25519': fingerprint(path('host_ed25519.pub')),
    'ecdsa-sha2-nistp256': fingerprint(path('host_ecdsa.pub')),
  };
  const hostKeyLine = (pub: string) =>
    `[127.0.0.1]:${port} ${readFileSync(pub, 'utf8').split(' ').slice(0, 2).join(' ')}`;
  return {
    host: '127.0.0.1',
    port,
    user,
    password: inject('sshTestPassword'),
    dir,
    pid: child.pid as number,
    fingerprints,
    knownHosts: `${hostKeyLine(path('host_ed25519.pub'))}\n${hostKeyLine(path('host_ecdsa.pub'))}\n`,
    privateKey: readFileSync(path('user'), 'utf8'),
    encryptedKey: readFileSync(path('user_enc'), 'utf8'),
    passphrase: 'correct horse',
    strangerKey: readFileSync(path('stranger'), 'utf8'),
    log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // a connection's own sshd process may still be writing its log for a moment after the listener exits
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
