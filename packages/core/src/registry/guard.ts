import { PluginError, UbomError } from '../errors';

/** Runs a plugin method; anything it throws that is not already a `UbomError` becomes a `PluginError`. */
export async function guard<T>(pluginName: string, operation: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof UbomError ? error : new PluginError(pluginName, operation, error);
  }
}

/** The synchronous twin of `guard`, for getters such as `getSchema()`. */
export function guardSync<T>(pluginName: string, operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw error instanceof UbomError ? error : new PluginError(pluginName, operation, error);
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
