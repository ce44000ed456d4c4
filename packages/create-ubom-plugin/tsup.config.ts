import { defineConfig } from 'tsup';

// One ESM file with everything bundled (@clack/prompts and the versions read from the workspace's
// package.json files), so `npm create ubom-plugin` downloads this package and nothing else.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
  noExternal: [/.*/],
});
