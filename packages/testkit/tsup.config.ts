import { packageConfig } from '../../scripts/tsup.base';

// ESM only: the suite runs inside vitest, which cannot be loaded with require(). `property` and
// `telemetry` are entries of their own (`@ubom/testkit/property`, `/telemetry`) so that only the tests
// that use them need fast-check or the OpenTelemetry SDK.
export default packageConfig({
  entry: ['src/index.ts', 'src/property.ts', 'src/telemetry.ts'],
  format: ['esm'],
});
