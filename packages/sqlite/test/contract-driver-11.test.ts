/**
 * The whole storage contract on better-sqlite3 11, the older major of the peer range
 * (`^11.0.0 || ^12.0.0`): every storage the suite creates runs on an app's own v11 connection.
 * contract.test.ts runs it on v12, the package's development version.
 */
import { createRequire } from 'node:module';
import { describeStorageContract } from '@waitline/storage-contract';
import Database11 from 'better-sqlite3-11';
import { expect, it } from 'vitest';
import { createSqliteHarness } from './harness.js';

it('runs on better-sqlite3 11 (the alias resolves to that major)', () => {
  const { version } = createRequire(import.meta.url)('better-sqlite3-11/package.json') as { version: string };
  expect(version).toMatch(/^11\./);
});

describeStorageContract(createSqliteHarness({ name: 'sqlite (better-sqlite3 11)', driver: Database11 }));
