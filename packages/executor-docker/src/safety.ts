import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { ValidationIssue } from '@ubom/core';
import type { DockerConfig } from './config';

/** The plugin-wide mount rules. */
export interface MountRules {
  /** `allow_dangerous_mounts`: the host paths below may be mounted (still only under an allowed prefix). */
  allowDangerous: boolean;
  /** `allowed_host_paths`: bind mount sources must lie inside one of these folders (none by default). */
  allowedHostPaths: readonly string[];
  /** Docker sockets on the engine's host (the engine's own, plus the usual places). */
  socketPaths: readonly string[];
  /** `DANGEROUS_HOST_PATHS`, plus the engine's own data root when it lies elsewhere. */
  systemPaths: readonly string[];
  /** Resolve symlinks with the local file system (only meaningful when the engine runs here). */
  local: boolean;
}

export const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/**
 * Host paths that hand the container the host: refused even under an allowed prefix unless
 * `allow_dangerous_mounts` is set, and so is any path inside one or holding one (`/var` holds
 * `/var/run`). `/` only counts as itself (every path lies inside it).
 */
export const DANGEROUS_HOST_PATHS = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/var/lib/docker',
  '/run',
  '/var/run',
];

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** The symlink-free form of `path` as the kernel resolves it; a missing tail is appended to its real parent. */
function resolve(path: string): string {
  // longer than PATH_MAX: no syscall would resolve it (the schema refuses it before this runs)
  if (path.length > 4095) return trimSlash(posix.normalize(path));
  const tail: string[] = [];
  let at = path;
  for (;;) {
    try {
      return trimSlash(posix.normalize(posix.join(realpathSync(at), ...tail)));
    } catch {
      const parent = posix.dirname(at);
      if (parent === at) return trimSlash(posix.normalize(path));
      tail.unshift(posix.basename(at));
      at = parent;
    }
  }
}

/**
 * Every form `path` takes: written and normalised, and (engine local) resolved through symlinks and
 * `..` by the file system. A rule that must hold for the path must hold for each.
 */
function forms(path: string, local: boolean): string[] {
  const normal = trimSlash(posix.normalize(path));
  if (!local) return [normal];
  const real = resolve(path);
  return real === normal ? [normal] : [normal, real];
}

const inside = (path: string, folder: string): boolean =>
  folder === '/' || path === folder || path.startsWith(`${folder}/`);

/** Which form of a source hands the container the host, and how ("is the host's /etc"), or undefined. */
function danger(
  sources: string[],
  sockets: readonly string[],
  system: readonly string[],
): { form: string; what: string } | undefined {
  for (const form of sources) {
    const found = (what: string) => ({ form, what });
    if (form === '/') return found("is the host's root file system");
    const socket = sockets.find((s) => inside(s, form) || inside(form, s));
    if (socket)
      return found(form === socket ? 'is the Docker socket' : `holds the Docker socket (${socket})`);
    for (const path of system) {
      if (form === path) return found(`is the host's ${path}`);
      if (inside(form, path)) return found(`lies inside the host's ${path}`);
      if (inside(path, form)) return found(`holds the host's ${path}`);
    }
  }
  return undefined;
}

/** Where `sources` leave every allowed prefix, or undefined when each form lies inside one. */
function outside(sources: string[], allowed: readonly string[]): string | undefined {
  return sources.find((form) => !allowed.some((folder) => inside(form, folder)));
}

/** Checks `volumes` against the rules: every problem, with its JSON path. */
export function checkMounts(config: DockerConfig, rules: MountRules): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const volumes = config.volumes ?? [];
  if (volumes.length === 0) return issues;
  const sockets = [...new Set(rules.socketPaths.flatMap((s) => forms(s, rules.local)))];
  const system = [...new Set(rules.systemPaths.flatMap((s) => forms(s, rules.local)))];
  const allowed = [...new Set(rules.allowedHostPaths.flatMap((p) => forms(p, rules.local)))];
  const none = rules.allowedHostPaths.length === 0;
  const list = rules.allowedHostPaths.join(', ');
  const targets = new Set<string>();
  volumes.forEach((volume, i) => {
    const path = `executor_config.volumes[${i}]`;
    const target = trimSlash(posix.normalize(volume.target));
    if (targets.has(target)) issues.push({ path: `${path}.target`, message: `"${target}" is mounted twice` });
    targets.add(target);
    if (!volume.source.startsWith('/')) {
      // a named volume: always allowed
      if (!VOLUME_NAME.test(volume.source))
        issues.push({ path: `${path}.source`, message: 'must be an absolute host path or a volume name' });
      return;
    }
    const sources = forms(volume.source, rules.local);
    const why = rules.allowDangerous ? undefined : danger(sources, sockets, system);
    const out = outside(sources, allowed);
    if (!why && out === undefined) return;
    // "it" is the source as written; a resolved form is named
    const it = (form: string) => (form === sources[0] ? 'it' : `it resolves to "${form}", which`);
    const beyond = `outside the plugin config's allowed_host_paths (${list})`;
    const reasons = why ? [`${it(why.form)} ${why.what}`] : [];
    if (out !== undefined && none)
      reasons.push("the plugin config's allowed_host_paths lists no folder (host bind mounts are off)");
    else if (out !== undefined && why?.form === out) reasons[0] += ` and lies ${beyond}`;
    else if (out !== undefined) reasons.push(`${it(out)} lies ${beyond}`);
    const takes = [
      ...(out === undefined ? [] : ['a folder holding it in allowed_host_paths']),
      ...(why ? ['allow_dangerous_mounts: true'] : []),
    ];
    const message = `mounting "${volume.source}" is refused: ${reasons.join(', and ')}; allowing it takes ${takes.join(' and ')} in the plugin config`;
    issues.push({ path: `${path}.source`, message });
  });
  return issues;
}
