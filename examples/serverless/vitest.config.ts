import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // each test runs the example as a user would: real processes (and servers), on a shared machine
    testTimeout: 60_000,
  },
});
