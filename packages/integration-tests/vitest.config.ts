import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // npm installs of packed tarballs into fresh projects: minutes on a cold cache.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
