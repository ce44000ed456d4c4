import { packageConfig } from '../../scripts/tsup.base';

// keepNames off here: it wraps every named closure in a `__name()` call at creation, ~2% of the
// CPU of a warm call in the benchmark; no class of this package relies on its runtime name.
export default packageConfig({ keepNames: false });
