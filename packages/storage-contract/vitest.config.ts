import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // The contract suite on MemoryStorage (test/memory.contract.test.ts).
    name: 'memory',
    include: ['test/**/*.test.ts'],
    // As for the other storages: the live areas run workers in real time, with waits of their own.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
