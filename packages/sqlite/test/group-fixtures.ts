/**
 * What the SQLite group tests share: in-memory storages closed after each test, a plain job
 * (no payload, priority 0, one attempt, ready at `T0`) built on the contract's `newJob`, and the
 * side-by-side comparison with MemoryStorage (sides, their leases, every job's standing).
 */
import { type JobRecord, MemoryStorage, type NewJob, type Storage } from '@waitline/core';
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

/** One storage of a side-by-side comparison, with the lease tokens of its running jobs. */
export interface Side {
  s: Storage;
  tokens: Map<string, string>;
}

/** SQLite and MemoryStorage side by side, each with no lease yet. */
export async function bothSides(): Promise<Side[]> {
  return [
    { s: await open(), tokens: new Map() },
    { s: new MemoryStorage(), tokens: new Map() },
  ];
}

/** Remembers the leases of jobs a side claimed; returns their ids. */
export function leased(side: Side, jobs: JobRecord[]): string[] {
  for (const j of jobs) side.tokens.set(j.id, j.leaseToken ?? '');
  return jobs.map((j) => j.id);
}

/** Every job's position, ahead count and group standing (its starts sorted), in id order. */
export async function standings(s: Storage, ids: string[], now: number): Promise<unknown[]> {
  const read = { sampleLimit: 1, aheadListLimit: 50, aheadWorkLimit: 50, dueAheadLimit: 100, workerStaleMs: 1 };
  const out: unknown[] = [];
  for (const id of ids) {
    const inputs = await s.getPositionInputs({ queue: 'q', id, now, ...read });
    const group = inputs?.group === undefined ? null : { ...inputs.group, starts: inputs.group.starts?.slice().sort((a, b) => a - b) };
    out.push([id, await s.getPosition({ queue: 'q', id, now }), inputs?.ahead ?? null, group]);
  }
  return out;
}
