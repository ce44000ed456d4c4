// Benchmark: the ssh executor (through EnhancedWorkRegistry) against raw ssh2 doing the same, side by
// side in one run, against a real sshd started here (root, loopback; scripts/setup-ssh.sh installs it).
//   1. pooled: a command on an open connection — the executor's pool vs `client.exec` on a connection
//      the raw side keeps open (issue 17: ≤ 1.15×);
//   2. cold: connect + host key check + authenticate + exec + end — a plugin with `idle_timeout: 0` vs
//      a new ssh2 `Client` per run (issue 17: ≤ 1.1×).
// Samples of both sides alternate so both see the same machine; medians are compared. BENCH_RUNS sets
// the samples per side (default 200 pooled, a quarter of that cold).
// Run against the built dist: `pnpm --filter @ubom/executor-ssh build && pnpm bench`.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry } from '@ubom/core';
import ssh2 from 'ssh2';
import { createPlugin } from '../dist/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const COLD_RUNS = Math.max(10, Math.round(RUNS / 4));
const COMMAND = 'echo hello';

execFileSync('bash', [fileURLToPath(new URL('../../../scripts/setup-ssh.sh', import.meta.url))], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const user = process.env.UBOM_SSH_TEST_USER ?? 'ubom-ssh-test';

// --- a real sshd on a loopback port, keys in a temp folder ---
const dir = mkdtempSync(join(tmpdir(), 'ubom-ssh-bench-'));
chmodSync(dir, 0o755);
const file = (name) => join(dir, name);
for (const name of ['host', 'user'])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file(name)]);
writeFileSync(file('authorized_keys'), readFileSync(file('user.pub')));
writeFileSync(
  file('sshd_config'),
  [
    'ListenAddress 127.0.0.1',
    `HostKey ${file('host')}`,
    'PidFile none',
    `AuthorizedKeysFile ${file('authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    `AllowUsers ${user}`,
    'MaxStartups 200:30:400',
    'LogLevel ERROR',
  ].join('\n'),
);
const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const sshd = spawn('/usr/sbin/sshd', ['-D', '-f', file('sshd_config'), '-p', String(port)], {
  stdio: 'ignore',
});
for (let open = false; !open; ) {
  open = await new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => setTimeout(() => resolve(false), 50));
  });
}
const privateKey = readFileSync(file('user'), 'utf8');
const fingerprint = execFileSync('ssh-keygen', ['-lf', file('host.pub')], { encoding: 'utf8' }).split(' ')[1];
const connection = {
  host: '127.0.0.1',
  port,
  username: user,
  private_key: privateKey,
  host_key: fingerprint,
};

// --- the raw side: ssh2 as a careful user would call it (host key checked, no Nagle delay) ---
const sha256 = (key) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
function rawConnect() {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client
      .once('ready', () => resolve(client))
      .once('error', reject)
      .connect({
        host: '127.0.0.1',
        port,
        username: user,
        privateKey,
        hostVerifier: (key) => sha256(key) === fingerprint,
      });
    client.setNoDelay(true);
  });
}
function rawExec(client) {
  return new Promise((resolve, reject) => {
    client.exec(COMMAND, (error, channel) => {
      if (error) return reject(error);
      let out = '';
      let code;
      channel.on('data', (d) => (out += d));
      channel.stderr.resume();
      channel.on('exit', (c) => (code = c));
      channel.on('close', () => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });
  });
}

// --- our side: the registry and the plugin, a pooled one and one that connects for every work ---
async function executor(settings) {
  const plugin = createPlugin();
  await plugin.initialize(settings);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('ssh', plugin);
  const run = async () => {
    let lines = 0;
    const result = await registry.execute(
      { id: 'bench', type: 'ssh', executor_config: { ...connection, command: COMMAND } },
      {},
      { onLog: () => lines++ },
    );
    if (!result.success) throw new Error(result.error);
    return lines;
  };
  return { plugin, run };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * Alternates the two sides sample by sample; returns each side's median in ms and this process's CPU
 * time per run in µs (steadier than wall time on a busy machine: the server's work is not in it).
 */
async function sideBySide(raw, ours, runs) {
  for (let i = 0; i < 5; i++) {
    await raw();
    await ours();
  }
  const sides = { raw: { fn: raw, ms: [], cpu: 0 }, ours: { fn: ours, ms: [], cpu: 0 } };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? [sides.ours, sides.raw] : [sides.raw, sides.ours]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await side.fn();
      side.ms.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      side.cpu += used.user + used.system;
    }
  }
  return {
    raw: median(sides.raw.ms),
    ours: median(sides.ours.ms),
    rawCpu: sides.raw.cpu / runs,
    oursCpu: sides.ours.cpu / runs,
  };
}

try {
  const open = await rawConnect();
  const pooled = await executor({});
  const warm = await sideBySide(() => rawExec(open), pooled.run, RUNS);
  open.end();
  await pooled.plugin.shutdown();

  const cold = await executor({ idle_timeout: 0 });
  const fresh = await sideBySide(
    async () => {
      const client = await rawConnect();
      await rawExec(client);
      client.end();
    },
    cold.run,
    COLD_RUNS,
  );
  await cold.plugin.shutdown();

  const row = (name, { raw, ours, rawCpu, oursCpu }, target) => ({
    case: name,
    'raw ssh2 (ms)': raw.toFixed(2),
    'registry + executor (ms)': ours.toFixed(2),
    ratio: (ours / raw).toFixed(3),
    target: `≤ ${target}`,
    'client CPU raw/ours (µs)': `${rawCpu.toFixed(0)} / ${oursCpu.toFixed(0)}`,
  });
  console.log(
    `@ubom/executor-ssh — median per work, \`${COMMAND}\`, same machine, one run, samples alternated`,
  );
  console.table([
    row(`pooled connection (${RUNS} runs)`, warm, 1.15),
    row(`cold: connect + auth + exec (${COLD_RUNS} runs)`, fresh, 1.1),
  ]);
} finally {
  sshd.kill();
  rmSync(dir, { recursive: true, force: true });
}
