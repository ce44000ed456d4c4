// `@ubom/testkit/property` (needs fast-check): hostile input for property-based tests of an executor's
// config, and the checks every executor's answer must pass.
export * from './property/arbitraries';
export * from './property/checks';
