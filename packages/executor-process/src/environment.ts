import { compileSecretExtractor } from '@ubom/core';
import { type ProcessConfig, processConfigJsonSchema } from './config';

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

const matches = (name: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/**
 * The child's environment: the inherited variables, then `environment`, then `secret_environment`
 * (later ones win).
 */
export function childEnvironment(
  config: Pick<ProcessConfig, 'inherit_env' | 'environment' | 'secret_environment'>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherit = config.inherit_env ?? DEFAULT_INHERITED_ENV;
  const env: Record<string, string> = {};
  if (inherit !== false) {
    for (const [name, value] of Object.entries(parent)) {
      if (value !== undefined && (inherit === true || matches(name, inherit))) env[name] = value;
    }
  }
  Object.assign(env, config.environment, config.secret_environment);
  return env;
}

const extractSecrets = compileSecretExtractor(processConfigJsonSchema);

/** The config's secret values (the schema's `writeOnly` fields): masked by the executor, and by the registry. */
export const secretValues = (config: ProcessConfig): string[] => extractSecrets?.(config) ?? [];
