import { PluginError, UbomError } from '../errors';

/** What a plugin method threw, as a `UbomError`: its own if it is one, else a `PluginError`. */
export function toPluginError(pluginName: string, operation: string, error: unknown): UbomError {
  return error instanceof UbomError ? error : new PluginError(pluginName, operation, error);
}

/** Runs a synchronous plugin method such as `getSchema()`; what it throws goes through `toPluginError`. */
export function guardSync<T>(pluginName: string, operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toPluginError(pluginName, operation, error);
  }
}
