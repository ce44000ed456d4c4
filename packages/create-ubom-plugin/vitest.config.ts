import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The tests spawn the built CLI; the end-to-end file sets its own, longer timeouts.
    testTimeout: 30_000,
  },
});
