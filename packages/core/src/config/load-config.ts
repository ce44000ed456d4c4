import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ValidationError, type ValidationIssue } from '../errors';
import { envSecrets, fileSecrets, type SecretProvider } from '../secrets/providers';
import type { JSONSchema } from '../types';
import { durationProblem } from '../util/duration';
import { createAjv } from '../validation/ajv';
import { joinPath } from '../validation/describe';
import { toIssues } from '../validation/issues';
import { suggest } from '../validation/suggest';
import { UBOM_CONFIG_SCHEMA } from './schema';

export const CONFIG_FILE_NAME = 'ubom.config.json';

export type SecretSourceConfig = { type: 'env'; prefix?: string } | { type: 'file'; dir?: string };

/** `ubom.config.json`, checked and with `${env:NAME}` replaced. */
export interface UbomConfig {
  /** The file it was read from; `undefined` when none was found (then everything is default). */
  path: string | undefined;
  plugins: Record<string, Record<string, unknown>>;
  /** Absolute folders (relative ones are taken from the file's folder). */
  plugin_paths: string[];
  secrets: SecretSourceConfig[];
  defaults: { timeout?: string | number };
}

export interface LoadConfigOptions {
  /** Where the search upward starts. Default `process.cwd()`. */
  cwd?: string;
  /** An explicit file (`--config`); else `UBOM_CONFIG`, else `ubom.config.json` found upward. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_SECRETS: SecretSourceConfig[] = [{ type: 'env', prefix: 'UBOM_SECRET_' }];

/** `ubom.config.json` from the current folder upward (the nearest wins), or `undefined`. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE_NAME);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Replaces `${env:NAME}` in every string; a variable that is not set is an issue naming it. */
function interpolate(
  value: unknown,
  path: string,
  env: NodeJS.ProcessEnv,
  issues: ValidationIssue[],
): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) issues.push({ path, message: `environment variable ${name} is not set` });
      return found ?? '';
    });
  if (Array.isArray(value))
    return value.map((v, i) => interpolate(v, joinPath(path, [String(i)]), env, issues));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, joinPath(path, [k]), env, issues)]),
    );
  return value;
}

/**
 * Reads the configuration (`--config` / `UBOM_CONFIG` / `ubom.config.json` upward) and checks it
 * against its schema: every problem at once, with paths, as a `ValidationError`. Plugin sections are
 * checked against each plugin's own schema by `pluginConfigIssues`, once the plugins are known.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<UbomConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const given = options.file ?? env.UBOM_CONFIG;
  const path = given ? resolve(cwd, given) : findConfigFile(cwd);
  if (!path)
    return { path: undefined, plugins: {}, plugin_paths: [], secrets: DEFAULT_SECRETS, defaults: {} };
  const fail = (issues: ValidationIssue[]) =>
    new ValidationError(issues, { scope: 'config', subject: `configuration ${path}` });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fail([{ path: '(root)', message: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw fail([{ path: '(root)', message: `${path} is not valid JSON: ${(error as Error).message}` }]);
  }
  const check = createAjv().compile(UBOM_CONFIG_SCHEMA);
  const issues = check(raw) ? [] : toIssues(check.errors ?? [], '');
  const data = interpolate(raw, '', env, issues) as Partial<UbomConfig>;
  const timeout = data.defaults?.timeout;
  const problem = timeout === undefined ? undefined : durationProblem(timeout);
  if (problem) issues.push({ path: 'defaults.timeout', message: problem });
  if (issues.length > 0) throw fail(issues);
  return {
    path,
    plugins: data.plugins ?? {},
    plugin_paths: (data.plugin_paths ?? []).map((p) => resolve(dirname(path), p)),
    secrets: data.secrets ?? DEFAULT_SECRETS,
    defaults: data.defaults ?? {},
  };
}

/** The secret providers the configuration names, in order. */
export function secretProvidersOf(config: Pick<UbomConfig, 'secrets'>): SecretProvider[] {
  return config.secrets.map((s) =>
    s.type === 'env'
      ? envSecrets({ prefix: s.prefix ?? 'UBOM_SECRET_' })
      : fileSecrets(s.dir ? { dir: s.dir } : {}),
  );
}

/**
 * Problems of the plugin sections: a section for a plugin that is not installed (with a "did you
 * mean"), and each section checked against that plugin's own config schema (`getPluginConfigSchema()`),
 * with paths like `plugins["@ubom/executor-docker"].allowed_host_paths[0]`.
 */
export function pluginConfigIssues(
  config: Pick<UbomConfig, 'plugins'>,
  schemas: ReadonlyMap<string, JSONSchema | undefined>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ajv = createAjv();
  for (const [name, section] of Object.entries(config.plugins)) {
    const base = `plugins[${JSON.stringify(name)}]`;
    if (!schemas.has(name)) {
      const hint = suggest(name, schemas.keys());
      issues.push({
        path: base,
        message: `no plugin named "${name}" is installed${hint ? ` — did you mean "${hint}"?` : ''}`,
      });
      continue;
    }
    const schema = schemas.get(name);
    if (schema === undefined) continue;
    const check = ajv.compile(schema as object);
    if (!check(section)) issues.push(...toIssues(check.errors ?? [], base));
  }
  return issues;
}
