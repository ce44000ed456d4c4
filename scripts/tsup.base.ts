import { defineConfig, type Options } from 'tsup';

/** The one build config every package uses: ESM + CJS + .d.ts from `src/index.ts`. */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    // no keepNames: it wraps every named closure in a `__name()` call (a defineProperty) each time
    // one is created, a measurable cost on per-work paths; nothing is minified, so classes keep their
    // names anyway (the packaging test checks every exported class in both builds)
    keepNames: false,
    // import.meta.url in the CJS build (core loads ajv lazily with createRequire)
    shims: true,
    ...overrides,
  });
}
