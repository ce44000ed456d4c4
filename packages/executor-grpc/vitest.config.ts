import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // certificates made by openssl once per run
    globalSetup: ['test/global-setup.ts'],
    // real servers, some restarted in child processes
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // server-side effects (a cancel seen, a stream stopped) arrive asynchronously: poll, don't sleep
    expect: { poll: { timeout: 10_000 } },
  },
});
