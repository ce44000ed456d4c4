import { spawnSync } from 'node:child_process';
import type { PackageManager } from './package-manager';

/** The registry npm uses when nothing is configured. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** `http(s)://host/path/` with one trailing slash, or `undefined` when `value` is not such a URL. */
export function normalizeRegistry(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  } catch {
    return undefined;
  }
}

/**
 * The registry asked for explicitly: `--registry`, else `npm_config_registry` (what `npm create … --registry`
 * and `npm_config_registry=… npm create …` both set). `undefined` leaves it to the package manager's config.
 */
export function explicitRegistry(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return normalizeRegistry(flag ?? env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY);
}

/** Environment that points each package manager at `registry` (yarn 2+ reads its own variable). */
export function registryEnv(registry: string): Record<string, string> {
  return { npm_config_registry: registry, YARN_NPM_REGISTRY_SERVER: registry };
}

/** The registry the package manager is configured with in `cwd` (its .npmrc / .yarnrc files). */
export function configuredRegistry(pm: PackageManager, cwd: string): string {
  const [command, ...args] =
    pm === 'yarn'
      ? ['yarn', 'config', 'get', 'npmRegistryServer']
      : [pm === 'pnpm' ? 'pnpm' : 'npm', 'config', 'get', 'registry'];
  const answer = spawnSync(command ?? 'npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 10_000,
    shell: process.platform === 'win32',
  });
  return (answer.status === 0 && normalizeRegistry(answer.stdout)) || DEFAULT_REGISTRY;
}

/** Whether `version` (x.y.z) falls in `range`, for the forms the scaffolder writes: `^`, `~`, exact. */
export function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number);
  const match = /^([~^]?)(\d+\.\d+\.\d+)$/.exec(range.trim());
  // `*`, tags and forms the scaffolder never writes: any published version may do
  if (!match) return true;
  const have = parse(version); // prereleases (1.0.0-rc.1) are not picked by a range
  const want = parse(match[2] ?? '');
  if (!have || !want) return false;
  const [ma, mi, pa] = have as [number, number, number];
  const [wa, wi, wp] = want as [number, number, number];
  const atLeast = ma > wa || (ma === wa && (mi > wi || (mi === wi && pa >= wp)));
  if (match[1] === '') return ma === wa && mi === wi && pa === wp;
  if (match[1] === '~') return atLeast && ma === wa && mi === wi;
  // ^: the left-most non-zero part stays
  if (wa > 0) return atLeast && ma === wa;
  if (wi > 0) return atLeast && ma === 0 && mi === wi;
  return ma === 0 && mi === 0 && pa === wp;
}

/** What one dependency looks like on the registry, when that explains a failed install. */
export interface FetchProblem {
  spec: string;
  problem: string;
  /** The request got no HTTP answer (refused, unknown host, timed out). */
  noAnswer?: boolean;
}

/** How long one dependency's check may take: a registry proxying a cold cache can be slow. */
const CHECK_TIMEOUT_MS = 30_000;

const packageUrl = (registry: string, name: string) =>
  `${registry}${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;

async function check(registry: string, name: string, range: string): Promise<FetchProblem | undefined> {
  const spec = `${name}@${range}`;
  let response: Response;
  try {
    response = await fetch(packageUrl(registry, name), {
      headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch (error) {
    const e = error as Error & { cause?: { message?: string } };
    const cause =
      e.name === 'TimeoutError'
        ? `no answer within ${CHECK_TIMEOUT_MS / 1000} s`
        : (e.cause?.message ?? e.message);
    return { spec, problem: cause, noAnswer: true };
  }
  if (response.status === 404) return { spec, problem: 'not published there (404 Not Found)' };
  if (response.status === 401 || response.status === 403) {
    return {
      spec,
      problem: `refused (${response.status}): log in with npm login --registry ${registry}`,
    };
  }
  if (!response.ok)
    return { spec, problem: `the registry answered ${response.status} ${response.statusText}` };
  const body = (await response.json().catch(() => ({}))) as {
    versions?: Record<string, unknown>;
    'dist-tags'?: Record<string, string>;
  };
  const versions = Object.keys(body.versions ?? {});
  if (versions.some((v) => satisfies(v, range))) return undefined;
  const latest = body['dist-tags']?.latest;
  return {
    spec,
    problem: `no published version matches ${range}${latest ? ` (latest is ${latest})` : ''}`,
  };
}

/** Why the registry cannot serve the new package: it did not answer at all, or these dependencies. */
export type Diagnosis = { unreachable: string } | { problems: FetchProblem[] };

/**
 * Asks `registry` for each dependency of the generated package, as the install did: what to tell the
 * user when the install failed. `problems` is empty when every dependency resolves there.
 */
export async function diagnose(
  registry: string,
  dependencies: Readonly<Record<string, string>>,
): Promise<Diagnosis> {
  const found = await Promise.all(
    Object.entries(dependencies).map(([name, range]) => check(registry, name, range)),
  );
  const problems = found.filter((p): p is FetchProblem => p !== undefined);
  // a registry that answered nothing at all is one problem, not one per package
  const silent = problems.filter((p) => p.noAnswer);
  if (silent.length === found.length && silent[0]) return { unreachable: silent[0].problem };
  // what the registry said (not there, no such version) first: that is the cause the user can act on
  return { problems: [...problems.filter((p) => !p.noAnswer), ...silent] };
}
