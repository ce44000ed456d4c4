import { defineConfig } from 'tsup';

// ESM (`dist/index.js`, the `ubom.entry`) + CJS + type declarations for both.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
