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

/** Settles with `promise`, or with `onTimeout()` once `ms` pass (the timer never keeps the process alive). */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => T | Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      Promise.resolve().then(onTimeout).then(resolve, reject);
    }, ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
