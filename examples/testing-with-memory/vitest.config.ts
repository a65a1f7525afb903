import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-testing',
    include: ['test/**/*.test.ts'],
  },
});
