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
    keepNames: true,
    // import.meta.url in the CJS build (core loads ajv lazily with createRequire)
    shims: true,
    ...overrides,
  });
}
