import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Real processes on a shared machine: a node start alone can take seconds under load.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
