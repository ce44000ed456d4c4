import { packageConfig } from '../../scripts/tsup.base';

// One build so `clean` cannot race a second one: `dist/index.*` is the programmatic `main(argv)`,
// `dist/cli.js` the `ubom` bin (esbuild keeps the shebang of src/cli.ts; tsup marks the file executable).
// The unused `dist/cli.cjs` that comes with it is harmless.
export default packageConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  // `import.meta.url` (the CLI's own folder is searched for plugins) also in the CJS build.
  shims: true,
});
