import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the files mostly wait on child processes and servers: one per core (vitest's default leaves one
    // core idle, which on a 2-core machine runs the files one after another)
    maxWorkers: '100%',
    // certificates made by openssl once per run
    globalSetup: ['test/global-setup.ts'],
    // real servers, some restarted in child processes
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // server-side effects (a cancel seen, a stream stopped) arrive asynchronously: poll, don't sleep
    expect: { poll: { timeout: 10_000 } },
  },
});
