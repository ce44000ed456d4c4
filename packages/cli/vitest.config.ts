import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The tests spawn the built CLI, which spawns real processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
