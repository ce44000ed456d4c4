import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as this process has it. */
export type Otel = typeof OtelApi;

// Loaded on first use with `require` in both builds (the CJS build of the API; an SDK registered
// through its ESM build is found all the same: the API keeps its globals under one `Symbol.for` key).
// `null` when the optional peer is not installed: then there is no telemetry at all.
let loaded: Otel | null | undefined;

export function otel(): Otel | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

// Where every copy of API 1.x registers its globals (providers, context manager, diag logger): the
// key copies of different versions share, so a process without anything registered has none. The
// tests with an SDK would fail if the key moved (works would see no SDK).
const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
const root = globalThis as { [GLOBAL_KEY]?: unknown };

/**
 * The API when something may be registered, `undefined` when nothing is (not installed, or no SDK
 * and no logger registered yet): the per-work no-op check, one property read.
 */
export function registeredOtel(): Otel | undefined {
  return root[GLOBAL_KEY] === undefined ? undefined : (otel() ?? undefined);
}
