import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // The contract suite forks worker processes and runs workers in real time.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
