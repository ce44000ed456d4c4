import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the files mostly wait on child processes and servers: one per core (vitest's default leaves one
    // core idle, which on a 2-core machine runs the files one after another)
    maxWorkers: '100%',
    // a self-signed CA made by openssl once per run, for the HTTPS stand-ins (Azure, Google token URL)
    globalSetup: ['test/global-setup.ts'],
    // real SDK retries with backoff, real local servers
    testTimeout: 30_000,
    // the AWS SDK's notice that releases after January 2027 need Node 22 (we test on Node 20)
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 30_000,
  },
});
