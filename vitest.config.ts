import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn the real binary and ffmpeg; two cores are all we have.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
