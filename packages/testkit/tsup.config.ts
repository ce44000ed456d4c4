import { packageConfig } from '../../scripts/tsup.base';

// ESM only: the suite runs inside vitest, which cannot be loaded with require().
export default packageConfig({ format: ['esm'] });
