import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { ValidationError } from '@ubom/core';
import type { SshConfig, SshEndpoint, SshPluginConfig } from './config';
import { type Hop, SCOPE } from './connect';
import { type HostKeyPolicy, parseKnownHosts } from './host-keys';

const expandHome = (path: string): string => (path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);

async function readKnownHosts(path: string, configPath: string | undefined): Promise<string> {
  try {
    return await readFile(expandHome(path), 'utf8');
  } catch (error) {
    // the plugin's default files may simply not exist; a file the work names must
    if (configPath === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw ValidationError.single(
      configPath ?? 'config.known_hosts_files',
      `cannot read the known_hosts file "${path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { scope: SCOPE, cause: error },
    );
  }
}

/** The host key policy of one hop: its own setting, else the plugin's known_hosts files. */
async function policyOf(
  endpoint: SshEndpoint,
  path: string,
  settings: SshPluginConfig,
): Promise<HostKeyPolicy> {
  if (endpoint.insecure_accept_any_host_key)
    return { path: `${path}.insecure_accept_any_host_key`, source: 'nothing', acceptAny: true };
  if (endpoint.host_key !== undefined) {
    const fingerprints = typeof endpoint.host_key === 'string' ? [endpoint.host_key] : endpoint.host_key;
    return { path: `${path}.host_key`, source: 'host_key', fingerprints };
  }
  if (endpoint.known_hosts !== undefined)
    return {
      path: `${path}.known_hosts`,
      source: 'known_hosts',
      knownHosts: parseKnownHosts(endpoint.known_hosts),
    };
  if (endpoint.known_hosts_file !== undefined) {
    const text = await readKnownHosts(endpoint.known_hosts_file, `${path}.known_hosts_file`);
    return {
      path: `${path}.known_hosts_file`,
      source: endpoint.known_hosts_file,
      knownHosts: parseKnownHosts(text),
    };
  }
  const files = settings.known_hosts_files;
  const texts = await Promise.all(files.map((file) => readKnownHosts(file, undefined)));
  return {
    path: `${path}.host_key`,
    source: files.length > 0 ? files.join(', ') : 'no known_hosts file',
    knownHosts: parseKnownHosts(texts.join('\n')),
  };
}

function agentPathOf(endpoint: SshEndpoint, path: string): string | undefined {
  if (endpoint.agent === undefined) return undefined;
  if (typeof endpoint.agent === 'string') return endpoint.agent;
  const socket = process.env.SSH_AUTH_SOCK;
  if (!socket)
    throw ValidationError.single(`${path}.agent`, 'is true but SSH_AUTH_SOCK is not set for the executor', {
      scope: SCOPE,
    });
  return socket;
}

/** One hop as a work names it, before its host key policy is read (only a new connection needs it). */
export interface HopSpec {
  endpoint: SshEndpoint;
  path: string;
  agentPath: string | undefined;
}

/** The target and its bastion, and the pool key they share. */
export interface Route {
  target: HopSpec;
  jump: HopSpec | undefined;
  key: string;
}

/** What makes a connection reusable for another work: the same everything a connection is opened with. */
function identity(hop: HopSpec): unknown[] {
  const e = hop.endpoint;
  return [
    e.host,
    e.port,
    e.username,
    e.private_key ?? null,
    e.passphrase ?? null,
    e.password ?? null,
    hop.agentPath ?? null,
    e.insecure_accept_any_host_key ?? false,
    e.host_key ?? null,
    e.known_hosts ?? null,
    e.known_hosts_file ?? null,
  ];
}

const specOf = (endpoint: SshEndpoint, path: string): HopSpec => ({
  endpoint,
  path,
  agentPath: agentPathOf(endpoint, path),
});

export function routeOf(config: SshConfig): Route {
  const target = specOf(config, 'executor_config');
  const jump = config.jump_host && specOf(config.jump_host, 'executor_config.jump_host');
  // a digest: the pool's keys hold no secret
  const key = createHash('sha256')
    .update(JSON.stringify([identity(target), jump ? identity(jump) : null]))
    .digest('base64url');
  return { target, jump, key };
}

/** The hop with its host key policy, read when a connection is opened. */
export async function hopOf(spec: HopSpec, settings: SshPluginConfig): Promise<Hop> {
  return { ...spec, policy: await policyOf(spec.endpoint, spec.path, settings) };
}
