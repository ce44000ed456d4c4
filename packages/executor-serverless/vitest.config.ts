import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // a self-signed CA made by openssl once per run, for the HTTPS stand-ins (Azure, Google token URL)
    globalSetup: ['test/global-setup.ts'],
    // real SDK retries with backoff, real local servers
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
