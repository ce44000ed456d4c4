import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the files mostly wait on child processes and servers: one per core (vitest's default leaves one
    // core idle, which on a 2-core machine runs the files one after another)
    maxWorkers: '100%',
    // npm installs of packed tarballs into fresh projects: minutes on a cold cache.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
