import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // installs openssh-server/-client and the test login when missing (scripts/setup-ssh.sh); each test
    // file then starts its own sshd on a loopback port (test/support/sshd.ts)
    globalSetup: ['test/global-setup.ts'],
    // a real sshd per file on a 2-core machine: two files at a time
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
