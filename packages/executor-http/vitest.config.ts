import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // a throw-away CA and certificates made by openssl once per run
    globalSetup: ['test/global-setup.ts'],
    // real servers; a 2-core machine shared with other work
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
