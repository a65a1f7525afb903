/**
 * Groups on Postgres (docs/design/groups.md, "Postgres"): a queue that never sees a group
 * writes no stamp and keeps grouped false, counts and cancels see grouped jobs, and a claim does
 * not wait for a caller's open add nor for a head another transaction holds locked. The shared behaviour, randomised runs against MemoryStorage
 * included, is the contract's `groups` areas (contract.test.ts).
 */
import type { NewJob, Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { dropSchemas, freshSchema } from './harness.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const schemas: string[] = [];
const opened: PostgresStorage[] = [];

async function fresh(): Promise<{ s: PostgresStorage; schema: string }> {
  const schema = freshSchema('grp');
  schemas.push(schema);
  const s = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 2 });
  opened.push(s);
  return { s, schema };
}

const add = async (s: Storage, jobs: NewJob[], now = T0) => (await s.enqueue({ queue: 'q', jobs, now })).jobs;
const claimNames = async (s: Storage, limit: number, now = T0) =>
  (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now })).map((j) => j.name);
const named = (name: string, group: string | null, more: Partial<NewJob> = {}) => newJob({ name, group, ...more });

/** The stamps and the grouped flag of a schema's queue 'q'. */
async function turnsOf(schema: string): Promise<{ grouped: boolean | null; turns: Array<{ priority: number; grp: string }> }> {
  return withClient(async (c) => {
    const q = await c.query(`SELECT grouped FROM "${schema}".queues WHERE name = 'q'`);
    const t = await c.query(`SELECT priority, grp FROM "${schema}".group_turns WHERE queue = 'q' ORDER BY priority DESC, turn`);
    return { grouped: (q.rows[0]?.grouped as boolean | undefined) ?? null, turns: t.rows as Array<{ priority: number; grp: string }> };
  });
}

/** Resolves once a backend working in `schema` waits for a lock (gives up after 5 s). */
async function waitForLockWait(schema: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const waiting = await withClient(async (c) => {
      const r = await c.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'", [schema]);
      return r.rowCount ?? 0;
    });
    if (waiting > 0) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres groups', () => {
  it('a queue that never sees a group writes no stamp and keeps grouped false', async () => {
    const { s, schema } = await fresh();
    await add(s, [named('x', null), named('y', null, { runAt: T0 + 10 })]);
    await claimNames(s, 1);
    expect(await turnsOf(schema)).toEqual({ grouped: false, turns: [] });
  });

  it('the first grouped add stamps the ungrouped jobs first; a served group moves back or leaves', async () => {
    const { s, schema } = await fresh();
    await add(s, [named('u', null)]);
    await add(s, [named('a1', 'a'), named('a2', 'a', { runAt: T0 + 100 })]);
    expect(await turnsOf(schema)).toEqual({
      grouped: true,
      turns: [
        { priority: 2, grp: '' },
        { priority: 2, grp: 'a' },
      ],
    });
    expect(await claimNames(s, 2)).toEqual(['u', 'a1']);
    // The default group left with its last job; 'a' keeps a stamp for its delayed job.
    expect((await turnsOf(schema)).turns).toEqual([{ priority: 2, grp: 'a' }]);
  });

  it('a claim does not wait for an open transaction adding to the group it empties; the group goes to the back', async () => {
    const { s } = await fresh();
    await add(s, [named('a0', 'A')], T0);
    await add(s, [named('b0', 'B'), named('b1', 'B')], T0 + 1);
    await withClient(async (c) => {
      await c.query('BEGIN');
      await s.enqueue({ queue: 'q', jobs: [named('a1', 'A')], now: T0 + 2, tx: c });
      const blocked = new Promise<string[]>((done) => setTimeout(() => done(['blocked']), 5_000).unref());
      expect(await Promise.race([claimNames(s, 1, T0 + 3), blocked])).toEqual(['a0']);
      await c.query('COMMIT');
    });
    expect(await claimNames(s, 3, T0 + 4)).toEqual(['b0', 'a1', 'b1']);
  });

  it('a claim does not wait for a head another transaction holds locked: it passes that group over', async () => {
    const { s, schema } = await fresh();
    const [a0] = await add(s, [named('a0', 'A')], T0);
    await add(s, [named('b0', 'B')], T0 + 1);
    await withClient(async (c) => {
      // As a lease renewal or a priority change holds a row while it waits for another.
      await c.query('BEGIN');
      await c.query(`SELECT 1 FROM "${schema}".jobs WHERE id = $1 FOR UPDATE`, [a0?.id]);
      const blocked = new Promise<string[]>((done) => setTimeout(() => done(['blocked']), 5_000).unref());
      expect(await Promise.race([claimNames(s, 2, T0 + 2), blocked])).toEqual(['b0']);
      await c.query('COMMIT');
    });
    expect(await claimNames(s, 2, T0 + 3)).toEqual(['a0']);
  });

  it('a lease sweep that queues jobs of several groups again takes their stamps in group order', async () => {
    const { s, schema } = await fresh();
    // b0's row comes first: a sweep taking stamps in row order would take B's before A's.
    await add(s, [named('b0', 'B')], T0);
    await add(s, [named('a0', 'A')], T0 + 1);
    expect((await claimNames(s, 2, T0 + 2)).sort()).toEqual(['a0', 'b0']);
    const late = T0 + 120_000;
    await withClient(async (c) => {
      // An add of both groups in group order (as group_join takes them), open while the sweep runs.
      await c.query('BEGIN');
      await s.enqueue({ queue: 'q', jobs: [named('a1', 'A')], now: late, tx: c });
      const sweep = s.reclaimExpired({ queue: 'q', now: late, error: { name: 'LeaseExpired', message: 'lease expired' } });
      await waitForLockWait(schema);
      await s.enqueue({ queue: 'q', jobs: [named('b1', 'B')], now: late, tx: c });
      await c.query('COMMIT');
      expect((await sweep).map((j) => j.state)).toEqual(['queued', 'queued']);
    });
    expect((await claimNames(s, 4, late + 1)).sort()).toEqual(['a0', 'a1', 'b0', 'b1']);
  });

  it('counts and cancels see grouped jobs', async () => {
    const { s } = await fresh();
    const [a0, , u0] = await add(s, [named('a0', 'a'), named('a1', 'a', { runAt: T0 + 100 }), named('u0', null)]);
    const stats = await s.getStats({ queue: 'q', now: T0, windowsMs: [], sampleLimit: 0, workerStaleMs: 1 });
    expect(stats.counts).toMatchObject({ queued: 3, ready: 2, scheduled: 1 });
    await s.cancel({ queue: 'q', id: a0?.id ?? '', now: T0 });
    expect(await s.getPosition({ queue: 'q', id: u0?.id ?? '', now: T0 })).toBe(1);
    expect(await s.removeJobs({ queue: 'q', states: ['queued'], limit: 10 })).toBe(2);
    expect(await claimNames(s, 5, T0 + 1_000)).toEqual([]);
  });
});
