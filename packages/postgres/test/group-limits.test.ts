/**
 * Group caps on Postgres (migration 0013): a claim passes over a capped group without touching
 * its stamp, `groupMaxWaiting` holds across concurrent adds (the second waits for the first's
 * commit, then counts it) and inside a caller's transaction (refused without breaking it), and
 * both counts are index seeks. The shared rules are the contract's `groups-limits` area.
 */
import { GroupFullError, type NewJob, type Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { dropSchemas, freshSchema } from './harness.js';
import { type PlanDatabase, type PlanStorage, usePlanDatabase } from './plan-database.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const schemas: string[] = [];
const opened: PostgresStorage[] = [];

/** A storage in a fresh schema of the test database, dropped after the file. */
async function openShared(): Promise<PlanStorage> {
  const schema = freshSchema('gcap');
  schemas.push(schema);
  const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 3 });
  opened.push(storage);
  return { storage, schema };
}

/** A storage with queue q, in the test database or (a plan test) in `plans`. */
async function fresh(settings: { groupConcurrency?: number; groupMaxWaiting?: number }, plans?: PlanDatabase): Promise<{ s: PostgresStorage; schema: string }> {
  const { storage: s, schema } = plans ? await plans.open({ poolSize: 3 }, 'gcap') : await openShared();
  await s.upsertQueue({ name: 'q', now: T0, ...settings });
  return { s, schema };
}

const named = (name: string, group: string | null, more: Partial<NewJob> = {}) => newJob({ name, group, ...more });
const add = (s: Storage, jobs: NewJob[], tx?: pg.ClientBase) => s.enqueue({ queue: 'q', jobs, now: T0, ...(tx ? { tx } : {}) });
const claimNames = async (s: Storage, limit: number) => (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now: T0 })).map((j) => j.name);
const explain = (c: pg.ClientBase, sql: string) => c.query(`EXPLAIN ${sql}`).then((r) => r.rows.map((row) => row['QUERY PLAN']).join('\n'));

/** Resolves to 'blocked' when `p` has not settled within `ms`. */
function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | 'blocked'> {
  return Promise.race([p, new Promise<'blocked'>((done) => setTimeout(() => done('blocked'), ms).unref())]);
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres group caps', () => {
  // The plan test needs an all-visible jobs table: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  it('a claim passes over a capped group and leaves its stamp as it was', async () => {
    const { s, schema } = await fresh({ groupConcurrency: 1 });
    await add(s, [named('a0', 'A'), named('a1', 'A'), named('b0', 'B'), named('b1', 'B')]);
    const stamps = () => withClient(async (c) => (await c.query(`SELECT grp, turn FROM "${schema}".group_turns ORDER BY grp`)).rows);
    expect(await claimNames(s, 1)).toEqual(['a0']);
    const before = await stamps();
    expect(await claimNames(s, 1)).toEqual(['b0']);
    expect(await claimNames(s, 1)).toEqual([]);
    const after = await stamps();
    expect(after.find((r) => r.grp === 'A')).toEqual(before.find((r) => r.grp === 'A'));
  });

  it('groupMaxWaiting holds across concurrent adds: the second add to a group waits for the first, then is refused', async () => {
    const { s } = await fresh({ groupMaxWaiting: 1 });
    // The queue's first grouped add fences every add until it commits; this one is done.
    await add(s, [named('c0', 'C')]);
    await withClient(async (c) => {
      await c.query('BEGIN');
      await add(s, [named('a0', 'A')], c);
      const second = add(s, [named('a1', 'A')]);
      second.catch(() => undefined);
      expect(await settledWithin(second, 300)).toBe('blocked');
      // Another group's add does not wait for the open transaction.
      expect(await settledWithin(add(s, [named('b0', 'B')]), 5_000)).not.toBe('blocked');
      await c.query('COMMIT');
      await expect(second).rejects.toBeInstanceOf(GroupFullError);
    });
    const names = (await s.listJobs({ queue: 'q', limit: 10 })).items.map((j) => j.name).sort();
    expect(names).toEqual(['a0', 'b0', 'c0']);
  });

  it('a full group inside a caller transaction writes nothing and leaves the transaction usable', async () => {
    const { s } = await fresh({ groupMaxWaiting: 2 });
    await add(s, [named('a0', 'A')]);
    await withClient(async (c) => {
      await c.query('BEGIN');
      const refused = add(s, [named('b0', 'B'), named('a1', 'A'), named('a2', 'A')], c);
      await expect(refused).rejects.toMatchObject({ code: 'GROUP_FULL', group: 'A', maxWaiting: 2, index: 2 });
      await add(s, [named('b1', 'B')], c);
      await c.query('COMMIT');
    });
    const names = (await s.listJobs({ queue: 'q', limit: 10 })).items.map((j) => j.name).sort();
    expect(names).toEqual(['a0', 'b1']);
  });

  it('counts a group running jobs and queued jobs with seeks on their own indexes', async () => {
    const { s, schema } = await fresh({ groupConcurrency: 2, groupMaxWaiting: 100 }, plans);
    await add(
      s,
      Array.from({ length: 2_000 }, (_, i) => named(`j${i}`, `g${i % 40}`, { priority: 1 + (i % 3) })),
    );
    await claimNames(s, 60);
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      const running = `SELECT count(*) FROM (SELECT 1 FROM "${schema}".jobs r WHERE r.queue = 'q' AND r.state = 'running' AND r.grp = 'g1' LIMIT 2) x`;
      expect(await explain(c, running)).toMatch(/Index Only Scan using jobs_group_running/);
      const over = renderSql(`SELECT * FROM {{schema}}.group_over_waiting('q', '[{"i":0,"id":"j1","grp":"g1"}]'::json, ARRAY['j1'], 100)`, schema);
      expect((await c.query(over)).rows).toEqual([]);
      const queued = `SELECT count(*) FROM (SELECT 1 FROM "${schema}".jobs q WHERE q.queue = 'q' AND q.state = 'queued' AND q.grp = 'g1' LIMIT 101) x`;
      const plan = await explain(c, queued);
      expect(plan).toMatch(/Index Only Scan using jobs_group_queued/);
      expect(plan).not.toMatch(/Seq Scan|Bitmap/);
    });
  });
});
