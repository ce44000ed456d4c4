import type { HttpConfigInput } from './config';

export { HttpClients, type PoolStats } from './clients';
export {
  type HttpConfig,
  type HttpConfigInput,
  httpConfigSchema,
  IDEMPOTENT_METHODS,
  METHODS,
  type Method,
} from './config';
export type { AuthConfig, OAuthConfig } from './config-auth';
/** The plugin entry point the loader calls: `createPlugin()`. */
export { createPlugin, HTTP_WORK_TYPE, type HttpExecutor, httpConfigJsonSchema } from './executor';
export { type HttpPluginConfig, httpPluginConfigSchema } from './plugin-config';
export { resolvePointer } from './pointer';
export { backoffMs, retryAfterMs } from './retry';

/** `http` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    http: HttpConfigInput;
  }
}
