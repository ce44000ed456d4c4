import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('registry-server.mjs', import.meta.url));

/**
 * The environment of a user's shell: without the npm_* variables pnpm sets for the test script (the
 * cache and proxy settings are kept), and without a registry (each step says which one it uses).
 */
export const userShell = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        key !== 'FORCE_COLOR' &&
        !/^npm_config_registry$/i.test(key) &&
        (!/^npm_/i.test(key) || /^npm_config_(cache|.*proxy)$/i.test(key)),
    ),
  ),
  NO_COLOR: '1',
});

/** Process groups of the commands still running: `stopCommands` kills them. */
const running = new Set<number>();

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed after its time ran out. */
  killed: boolean;
}

/**
 * Runs `command args` in `cwd` to the end. The command runs in its own process group, killed with
 * everything it started after `timeoutMs` or by `stopCommands`, so that a step that hangs does not
 * outlive its test.
 */
export function run(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 900_000,
): Promise<Finished> {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = child.pid;
  if (group !== undefined) running.add(group);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    killGroup(group);
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (group !== undefined) running.delete(group);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

/** `run`, resolving with stdout; a failure rejects with the command's whole output. */
export async function sh(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 900_000,
): Promise<string> {
  const { code, stdout, stderr, killed } = await run(cwd, command, args, env, timeoutMs);
  if (code === 0 && !killed) return stdout;
  const how = killed ? `killed after ${timeoutMs / 1000} s` : `exit ${String(code)}`;
  throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (${how})\n${stdout}\n${stderr}`);
}

function killGroup(group: number | undefined): void {
  if (group === undefined) return;
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills every command still running (a step that timed out). */
export function stopCommands(): void {
  for (const group of running) killGroup(group);
  running.clear();
}

/** The registry npm uses on this machine: where the local registry sends what it does not hold. */
export async function usualRegistry(): Promise<string> {
  const answer = (await sh(tmpdir(), 'npm', ['config', 'get', 'registry'], userShell())).trim();
  return answer.endsWith('/') ? answer : `${answer}/`;
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A user shell's environment pointed at the registry, logged in as a publisher (npmrc with a token). */
  env: NodeJS.ProcessEnv;
  /** What Verdaccio printed (warnings and errors): shown when a step fails. */
  output(): string;
  /** Stops Verdaccio and removes its storage; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Patterns served only from the local storage: the packages a release publishes and the plugins a test
 * publishes. Anything else is fetched from `uplink`; its metadata is kept in `proxied/` (see below).
 */
const LOCAL_ONLY = ['@ubom/*', 'create-ubom-plugin', 'ubom-plugin-*', '@*/ubom-plugin-*'];

function config(dir: string, uplink: string): string {
  const local = LOCAL_ONLY.map(
    (pattern) =>
      `  '${pattern}':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated`,
  );
  return `storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    max_users: 10
uplinks:
  usual:
    url: ${JSON.stringify(uplink)}
    # the abbreviated documents npm itself asks for, where the registry serves them (a fraction of
    # the full ones for typescript or @types/node; some mirrors always answer with the full ones)
    headers:
      Accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8'
    timeout: 60s
    maxage: 30m
    cache: false
    # never "offline": after max_fails errors in a row Verdaccio answers 404 to everything it proxies
    # for fail_timeout, so a burst of failed fetches (an install's first hundred requests on a busy
    # machine) would fail every step after it; each fetch is tried on its own instead
    max_fails: 1000000
    fail_timeout: 1s
    # fewer connections at once to the usual registry than the default 40
    agent_options:
      keepAlive: true
      maxSockets: 16
packages:
${local.join('\n')}
  '**':
    access: $all
    publish: $authenticated
    proxy: usual
    storage: proxied
web:
  enable: false
max_body_size: 100mb
log: { type: stdout, format: json, level: http }
`;
}

/**
 * Where the metadata of proxied packages (zod, vitest, … as the uplink served them) is kept between
 * runs, as npm keeps its cache: a run after the first (the Node 24 pass of .ci/run, a rerun) does not
 * fetch and parse them all again. Tarballs are not kept (`cache: false`: npm has them by integrity).
 * What a run publishes stays in its temp storage.
 */
export const PROXY_CACHE = fileURLToPath(new URL('../node_modules/.cache/registry-proxy', import.meta.url));

/**
 * Starts Verdaccio on a free loopback port with its storage in a new temp folder, proxying `uplink`;
 * creates a publisher account and writes its token into an npmrc the returned `env` points at
 * (`npm_config_userconfig`, as `actions/setup-node` does in CI).
 */
export async function startRegistry(uplink: string, proxyCache = PROXY_CACHE): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'ubom-registry-'));
  writeFileSync(join(dir, 'config.yaml'), config(dir, uplink));
  mkdirSync(join(dir, 'storage'));
  mkdirSync(proxyCache, { recursive: true });
  symlinkSync(proxyCache, join(dir, 'storage', 'proxied'), 'dir');
  const child = spawn(process.execPath, [SERVER, join(dir, 'config.yaml')], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: userShell(),
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let partial = '';
    const url = await listening(child, (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (worthShowing(line)) output += `${line}\n`;
    });
    const token = await createPublisher(url);
    const userconfig = join(dir, 'npmrc');
    writeFileSync(
      userconfig,
      [
        `//${new URL(url).host}/:_authToken=${token}`,
        'audit=false',
        'fund=false',
        'update-notifier=false',
        '',
      ].join('\n'),
    );
    return {
      url,
      env: { ...userShell(), npm_config_registry: url, npm_config_userconfig: userconfig },
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`Verdaccio did not start: ${(error as Error).message}\n${output}`);
  }
}

/**
 * What Verdaccio printed that explains a failed step: warnings and errors, and the requests to the
 * usual registry that failed (logged at level http with their error); not every request it served.
 */
function worthShowing(line: string): boolean {
  if (!line.startsWith('{')) return line.trim().length > 0;
  try {
    const entry = JSON.parse(line) as { level?: number; error?: unknown; err?: unknown };
    return (entry.level ?? 0) >= 40 || Boolean(entry.error) || Boolean(entry.err);
  } catch {
    return true;
  }
}

function listening(child: ChildProcess, record: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "listening" line within 60 s')), 60_000);
    const onText = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      record(text);
      const url = /^listening (\S+)$/m.exec(text)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onText);
    child.stderr?.on('data', onText);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
  });
}

/** `npm adduser` over the registry API: a publisher account and its token. */
async function createPublisher(url: string): Promise<string> {
  const name = 'ubom-release';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'release-test-password', email: 'release@example.com' }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(`adduser: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The registry's document for one package (its versions and dist-tags), or `undefined` when unknown. */
export async function packument(
  registry: string,
  name: string,
): Promise<
  { 'dist-tags': Record<string, string>; versions: Record<string, Record<string, unknown>> } | undefined
> {
  const response = await fetch(`${registry}${name.replace('/', '%2f')}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${name}: ${response.status}`);
  return (await response.json()) as {
    'dist-tags': Record<string, string>;
    versions: Record<string, Record<string, unknown>>;
  };
}
