import { ValidationError } from '@ubom/core';
import { SCOPE, type ServerlessConfig } from './config';

const loaded = new Map<string, Promise<unknown>>();

const isModuleNotFound = (error: unknown, specifier: string): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const missing =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(error.message);
  // a missing dependency *of* the SDK is a broken install, not a missing SDK: say so differently
  return missing && error.message.includes(specifier);
};

/** CommonJS SDKs arrive as `{ default: module.exports, ...detected names }`: merge both views. */
function interop<T>(ns: unknown): T {
  const mod = ns as Record<string, unknown>;
  const fallback = mod.default;
  return (typeof fallback === 'object' && fallback !== null ? { ...fallback, ...mod } : mod) as T;
}

/**
 * Imports an optional SDK the first time a provider needs it (and caches it). When it is not installed,
 * throws `ValidationError` "install X to use provider Y" at `executor_config.provider`.
 */
export function loadOptional<T>(specifier: string, provider: string): Promise<T> {
  let pending = loaded.get(specifier) as Promise<T> | undefined;
  if (!pending) {
    pending = import(/* @vite-ignore */ specifier).then(interop<T>, (error: unknown) => {
      loaded.delete(specifier);
      if (isModuleNotFound(error, specifier)) {
        throw ValidationError.single(
          'executor_config.provider',
          `install ${specifier} to use provider ${provider}`,
          {
            scope: SCOPE,
            cause: error,
          },
        );
      }
      throw error;
    });
    loaded.set(specifier, pending);
  }
  return pending;
}

/** The optional SDK packages a work will load: only what its provider, credentials and endpoint need. */
export function sdksFor(config: ServerlessConfig): string[] {
  switch (config.provider) {
    case 'aws':
      return ['@aws-sdk/client-lambda'];
    case 'gcp': {
      const needs: string[] = [];
      if (config.credentials?.type !== 'none' || config.endpoint === undefined)
        needs.push('google-auth-library');
      if (config.endpoint === undefined) needs.push('@google-cloud/functions');
      return needs;
    }
    case 'azure':
      return config.credentials.type === 'function_key' ? [] : ['@azure/identity', '@azure/arm-appservice'];
  }
}
