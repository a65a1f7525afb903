import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // Each test runs the built bin as a child process against a real storage.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
