import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the files mostly wait on child processes and servers: one per core (vitest's default leaves one
    // core idle, which on a 2-core machine runs the files one after another)
    maxWorkers: '100%',
    globalSetup: ['test/global-setup.ts'],
    // Real Redis, real worker processes: generous bounds, the tests themselves take seconds.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
