import { describeStorageContract } from '@waitline/storage-contract';
import { describe } from 'vitest';
import { createPostgresHarness } from './harness.js';
import { RUN_PG_TESTS } from './server.js';

if (RUN_PG_TESTS) {
  describeStorageContract(createPostgresHarness(), {
    multiProcess: { processes: 4, concurrencyPerProcess: 10, queueConcurrency: 25, jobs: 10_000, timeoutMs: 240_000 },
  });
} else {
  describe.skip('storage contract: postgres (server not reachable)', () => {});
}
