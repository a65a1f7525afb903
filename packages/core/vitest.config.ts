import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    // The property tests (fast-check) take 2-3 s alone and more beside other files: the default
    // 5 s is too tight for a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
