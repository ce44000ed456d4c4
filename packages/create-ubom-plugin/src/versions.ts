// Read at build time from the workspace and bundled into dist: the generated package asks for the
// @ubom/* versions this scaffolder was released with, and for the toolchain the monorepo itself uses.
import { devDependencies as rootTools } from '../../../package.json';
import { version as coreVersion } from '../../core/package.json';
import { version as testkitVersion } from '../../testkit/package.json';
import { devDependencies as ownTools } from '../package.json';

/** `devDependencies` of a generated plugin (`@ubom/core` is also its peer dependency). */
export const PLUGIN_DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@types/node': rootTools['@types/node'],
  '@ubom/core': `^${coreVersion}`,
  '@ubom/testkit': `^${testkitVersion}`,
  tsup: rootTools.tsup,
  typescript: rootTools.typescript,
  vitest: rootTools.vitest,
};

export const CORE_RANGE = `^${coreVersion}`;

/** `dependencies` of a generated plugin: its config schema library. */
export const PLUGIN_DEPENDENCIES: Readonly<Record<string, string>> = { zod: ownTools.zod };
