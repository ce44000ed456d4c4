import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { ValidationIssue } from '@ubom/core';
import type { DockerConfig } from './config';

/** The plugin-wide mount rules. */
export interface MountRules {
  allowDangerous: boolean;
  /** When set, bind mount sources must lie inside one of these folders. */
  allowedHostPaths: readonly string[] | undefined;
  /** Docker sockets on the engine's host (the engine's own, plus the usual places). */
  socketPaths: readonly string[];
  /** Resolve symlinks with the local file system (only meaningful when the engine runs here). */
  local: boolean;
}

export const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** The normalised path, and its symlink-free form when the engine is local and the path exists. */
function forms(path: string, local: boolean): string[] {
  const normal = trimSlash(posix.normalize(path));
  if (!local) return [normal];
  try {
    const real = trimSlash(realpathSync(normal));
    return real === normal ? [normal] : [normal, real];
  } catch {
    return [normal];
  }
}

const inside = (path: string, folder: string): boolean =>
  folder === '/' || path === folder || path.startsWith(`${folder}/`);

/** Why mounting `source` would hand the container the host, or undefined. */
function danger(sources: string[], sockets: string[]): string | undefined {
  if (sources.includes('/')) return "it is the host's root file system";
  for (const source of sources) {
    const socket = sockets.find((s) => inside(s, source));
    if (socket)
      return source === socket ? 'it is the Docker socket' : `it holds the Docker socket (${socket})`;
  }
  return undefined;
}

/** Checks `volumes` against the rules: every problem, with its JSON path. */
export function checkMounts(config: DockerConfig, rules: MountRules): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sockets = [...new Set(rules.socketPaths.flatMap((s) => forms(s, rules.local)))];
  const allowed = rules.allowedHostPaths?.flatMap((p) => forms(p, rules.local));
  const targets = new Set<string>();
  (config.volumes ?? []).forEach((volume, i) => {
    const path = `executor_config.volumes[${i}]`;
    const target = trimSlash(posix.normalize(volume.target));
    if (targets.has(target)) issues.push({ path: `${path}.target`, message: `"${target}" is mounted twice` });
    targets.add(target);
    if (!volume.source.startsWith('/')) {
      if (!VOLUME_NAME.test(volume.source))
        issues.push({ path: `${path}.source`, message: 'must be an absolute host path or a volume name' });
      return;
    }
    const sources = forms(volume.source, rules.local);
    const why = rules.allowDangerous ? undefined : danger(sources, sockets);
    if (why) {
      issues.push({
        path: `${path}.source`,
        message: `mounting "${volume.source}" is refused: ${why}; the plugin config must set allow_dangerous_mounts`,
      });
      return;
    }
    if (allowed && !sources.some((s) => allowed.some((folder) => inside(s, folder)))) {
      issues.push({
        path: `${path}.source`,
        message: `"${volume.source}" is outside the allowed host paths (${rules.allowedHostPaths?.join(', ')})`,
      });
    }
  });
  return issues;
}
