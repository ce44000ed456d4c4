import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // installs/starts a Docker Engine if needed and builds the offline test image (scripts/setup-docker.sh)
    globalSetup: ['test/global-setup.ts'],
    // each file checks it left no container behind (the global teardown checks the whole run)
    setupFiles: ['test/support/no-leaks.ts'],
    // real containers on a 2-core machine: two test files at a time
    maxWorkers: 2,
    // the bounded-memory test measures the heap after a full GC
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
