import { packageConfig } from '../../scripts/tsup.base';

// ESM only: the suite runs inside vitest, which cannot be loaded with require(). `property` is its own
// entry (`@ubom/testkit/property`) so that only the tests that use it need fast-check.
export default packageConfig({ entry: ['src/index.ts', 'src/property.ts'], format: ['esm'] });
