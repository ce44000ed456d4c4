import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the files mostly wait on child processes and servers: one per core (vitest's default leaves one
    // core idle, which on a 2-core machine runs the files one after another)
    maxWorkers: '100%',
    globalSetup: ['test/support/global-setup.ts'],
    // The tests spawn the built CLI; the end-to-end file sets its own, longer timeouts.
    testTimeout: 30_000,
  },
});
