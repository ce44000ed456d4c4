import type { TraceCarrier } from '@ubom/core';
import type { ProcessConfig } from './config';

const POSIX_DEFAULTS = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_*', 'TZ', 'TMPDIR'];
const WINDOWS_DEFAULTS = [
  'SystemRoot',
  'SystemDrive',
  'ComSpec',
  'PATHEXT',
  'WINDIR',
  'TEMP',
  'TMP',
  'USERPROFILE',
];

/** What `inherit_env` means when a work does not set it: enough for ordinary tools, no credentials. */
export const DEFAULT_INHERITED_ENV: readonly string[] =
  process.platform === 'win32' ? [...POSIX_DEFAULTS, ...WINDOWS_DEFAULTS] : POSIX_DEFAULTS;

/**
 * Copies the listed variables of `parent`: exact names are read one by one, and the parent's names
 * are listed only when a `PREFIX_*` asks for it (each read of `process.env` is a call into the
 * runtime, so reading all of it for every work cost more than the few it keeps).
 */
function inherit(env: Record<string, string>, parent: NodeJS.ProcessEnv, patterns: readonly string[]) {
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else if (parent[pattern] !== undefined) env[pattern] = parent[pattern];
  }
  if (prefixes.length === 0) return;
  for (const name of Object.keys(parent)) {
    const value = prefixes.some((p) => name.startsWith(p)) ? parent[name] : undefined;
    if (value !== undefined) env[name] = value;
  }
}

/**
 * The child's environment: the inherited variables, then `environment`, then `secret_environment`
 * (later ones win).
 */
export function childEnvironment(
  config: Pick<ProcessConfig, 'inherit_env' | 'environment' | 'secret_environment'>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const patterns = config.inherit_env ?? DEFAULT_INHERITED_ENV;
  const env: Record<string, string> = {};
  if (patterns === true) {
    for (const [name, value] of Object.entries(parent)) if (value !== undefined) env[name] = value;
  } else if (patterns !== false) inherit(env, parent, patterns);
  Object.assign(env, config.environment, config.secret_environment);
  return env;
}

/**
 * `TRACEPARENT` / `TRACESTATE` for the command (the variables OpenTelemetry's environment carrier and
 * Windmill use), unless the work sets them itself in `environment` or `secret_environment`. An
 * inherited `TRACESTATE` that does not belong with the new `TRACEPARENT` is dropped.
 */
export function withTraceContext(
  env: Record<string, string>,
  carrier: TraceCarrier,
  config: Pick<ProcessConfig, 'environment' | 'secret_environment'>,
): void {
  if (!carrier.traceparent) return;
  const own = (name: string) =>
    config.environment?.[name] !== undefined || config.secret_environment?.[name] !== undefined;
  if (own('TRACEPARENT')) return;
  env.TRACEPARENT = carrier.traceparent;
  if (carrier.tracestate) env.TRACESTATE = carrier.tracestate;
  else if (!own('TRACESTATE')) delete env.TRACESTATE;
}
