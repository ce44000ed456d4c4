import { SUPPORTED_API_VERSIONS } from '../types';

/** The `ubom` field of a plugin's package.json, read without importing the plugin's code. */
export interface PluginManifest {
  apiVersion: number;
  workTypes: string[];
  /** Module exporting `createPlugin()`, relative to the package folder. */
  entry: string;
}

/** Package names that are plugins: `@ubom/executor-*`, `ubom-plugin-*`, `@<scope>/ubom-plugin-*`. */
export function isPluginPackageName(name: string): boolean {
  return (
    /^@ubom\/executor-[a-z0-9._-]+$/.test(name) || /^(@[a-z0-9._~-]+\/)?ubom-plugin-[a-z0-9._-]+$/.test(name)
  );
}

/** Why a manifest cannot be used: `invalid` (malformed) or `unsupported` (an apiVersion this core does not speak). */
export interface ManifestProblem {
  status: 'invalid' | 'unsupported';
  reason: string;
}

const invalid = (reason: string): ManifestProblem => ({ status: 'invalid', reason });

/** Checks a manifest; returns why it cannot be used, or `undefined` when it is fine. */
export function manifestProblem(manifest: unknown): ManifestProblem | undefined {
  if (manifest === undefined) return invalid('package.json has no "ubom" manifest');
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
    return invalid('"ubom" manifest must be an object');
  const m = manifest as Partial<Record<keyof PluginManifest, unknown>>;
  if (typeof m.apiVersion !== 'number') return invalid('"ubom.apiVersion" must be a number');
  if (!SUPPORTED_API_VERSIONS.includes(m.apiVersion)) {
    return {
      status: 'unsupported',
      reason: `apiVersion ${m.apiVersion} is not supported by this @ubom/core (supports ${SUPPORTED_API_VERSIONS.join(', ')})`,
    };
  }
  if (
    !Array.isArray(m.workTypes) ||
    m.workTypes.length === 0 ||
    !m.workTypes.every((t) => typeof t === 'string' && t)
  ) {
    return invalid('"ubom.workTypes" must be a non-empty array of work type names');
  }
  if (typeof m.entry !== 'string' || m.entry.length === 0)
    return invalid('"ubom.entry" must name the module that exports createPlugin()');
  return undefined;
}
