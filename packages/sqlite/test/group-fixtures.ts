/**
 * What the SQLite group tests share: in-memory storages closed after each test, and a plain job
 * (no payload, priority 0, one attempt, ready at `T0`) built on the contract's `newJob`.
 */
import type { NewJob, Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import { afterEach } from 'vitest';
import { SqliteStorage } from '../src/index.js';

export { T0 };

const opened: Storage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** A fresh in-memory storage, closed after the test. */
export async function open(): Promise<SqliteStorage> {
  const s = await SqliteStorage.open({ path: ':memory:' });
  opened.push(s);
  return s;
}

/** A job named by its id, ungrouped unless told, at level 0 with one attempt. */
export function plainJob(id: string, overrides: Partial<NewJob> = {}): NewJob {
  return newJob({ id, name: id, payload: null, priority: 0, maxAttempts: 1, ...overrides });
}
