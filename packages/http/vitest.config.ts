import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'http',
    include: ['test/**/*.test.ts'],
    // Real servers on localhost, real storages, workers in real time.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
