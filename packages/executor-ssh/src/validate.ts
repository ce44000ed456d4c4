import type { ValidationIssue } from '@ubom/core';
import type { SshConfig, SshEndpoint } from './config';

const HOST_KEY_SETTINGS = [
  'host_key',
  'known_hosts',
  'known_hosts_file',
  'insecure_accept_any_host_key',
] as const;

function endpointIssues(endpoint: SshEndpoint, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (endpoint.private_key === undefined && endpoint.password === undefined && endpoint.agent === undefined)
    issues.push({ path, message: 'give private_key, password or agent to authenticate' });
  if (endpoint.passphrase !== undefined && endpoint.private_key === undefined)
    issues.push({ path: `${path}.passphrase`, message: 'is only used with private_key' });
  const given = HOST_KEY_SETTINGS.filter((key) => endpoint[key] !== undefined);
  for (const key of given.slice(1))
    issues.push({
      path: `${path}.${key}`,
      message: `cannot be combined with ${given[0]}: give one way to check the host key`,
    });
  return issues;
}

const hasNul = (values: Record<string, string> | undefined): string[] =>
  Object.entries(values ?? {})
    .filter(([, value]) => value.includes('\0'))
    .map(([name]) => name);

/** The rules the schema cannot say, every problem at once (no I/O). */
export function configIssues(config: SshConfig): ValidationIssue[] {
  const issues = endpointIssues(config, 'executor_config');
  if (config.jump_host) issues.push(...endpointIssues(config.jump_host, 'executor_config.jump_host'));
  for (const key of ['environment', 'secret_environment'] as const)
    for (const name of hasNul(config[key]))
      issues.push({ path: `executor_config.${key}.${name}`, message: 'cannot hold a NUL character' });
  if (config.remote_shell === 'none') {
    if (config.cwd !== undefined)
      issues.push({
        path: 'executor_config.cwd',
        message: 'needs remote_shell: posix (it is a `cd` in the shell)',
      });
    if (typeof config.command !== 'string')
      issues.push({
        path: 'executor_config.command',
        message:
          'an array needs remote_shell: posix (it is quoted for a POSIX shell); write the command as a string',
      });
  }
  for (const [index, item] of (config.upload ?? []).entries())
    if ((item.content === undefined) === (item.source === undefined))
      issues.push({
        path: `executor_config.upload[${index}]`,
        message: 'give exactly one of content or source',
      });
  return issues;
}
