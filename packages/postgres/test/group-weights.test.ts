/**
 * Group weights on Postgres (migration 0014): a grouped queue without stored settings reads no
 * group_settings row at claims and positions (its claim runs 0013's statements), `used` counts a
 * weighted group's round beside its stamp, and `queues.weighted` stays exactly "has settings",
 * also when a removal and a new weight race; a grouped position counts the job's higher levels
 * and rank once, not once per other group. The shared rules are the contract's `groups-weights`
 * area and the randomised area against MemoryStorage.
 */
import type { NewJob, Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { SQL } from '../src/generated/sql.js';
import { dropSchemas, freshSchema } from './harness.js';
import { type PlanDatabase, type PlanStorage, usePlanDatabase } from './plan-database.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const schemas: string[] = [];
const opened: PostgresStorage[] = [];

/** A storage in a fresh schema of the test database, dropped after the file. */
async function openShared(): Promise<PlanStorage> {
  const schema = freshSchema('gw');
  schemas.push(schema);
  const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 3 });
  opened.push(storage);
  return { storage, schema };
}

/** A storage in the test database or (a plan test) in `plans`. */
async function fresh(plans?: PlanDatabase): Promise<{ s: PostgresStorage; schema: string }> {
  const { storage: s, schema } = plans ? await plans.open({ poolSize: 3 }, 'gw') : await openShared();
  return { s, schema };
}

const named = (name: string, group: string | null) => newJob({ name, group });
const add = async (s: Storage, jobs: NewJob[]) => (await s.enqueue({ queue: 'q', jobs, now: T0 })).jobs;
const claimNames = async (s: Storage, limit: number) => (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now: T0 })).map((j) => j.name);
const weigh = (s: PostgresStorage, group: string, weight: number | null) =>
  s.setGroup({ queue: 'q', group, settings: weight === null ? null : { weight }, now: T0 });

/** The queue's weighted flag (null: no queue row). */
async function weightedOf(schema: string, queue = 'q'): Promise<boolean | null> {
  return withClient(async (c) => (await c.query(`SELECT weighted FROM "${schema}".queues WHERE name = $1`, [queue])).rows[0]?.weighted ?? null);
}

/**
 * In one transaction that is rolled back: a claim of one job through the claim function and a
 * grouped position read of `id`; returns the scans of group_settings they made (its table and
 * index: the backend's pending counts after minus before, as they are flushed only between
 * transactions) and the claimed job's name.
 */
async function settingsScans(c: pg.ClientBase, schema: string, id: string): Promise<{ scans: number; claimed: string }> {
  const scans = async () => {
    const sql = `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = $1::regclass`;
    return Number((await c.query(sql, [`"${schema}".group_settings`])).rows[0].n);
  };
  await c.query('BEGIN');
  try {
    const before = await scans();
    const claim = await c.query(renderSql(`SELECT c FROM {{schema}}.claim('q', $1, 'w', 1, 60000, 'tok') c`, schema), [T0]);
    await c.query(renderSql(SQL.positionGrouped, schema), [id, T0, 'q']);
    return { scans: (await scans()) - before, claimed: claim.rows[0].c.name as string };
  } finally {
    await c.query('ROLLBACK');
  }
}

/** Every plan node (EXPLAIN FORMAT JSON) under `node`, itself included. */
function planNodes(node: Record<string, unknown>): Array<Record<string, unknown>> {
  const children = (node.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return [node, ...children.flatMap(planNodes)];
}

/** Resolves to 'blocked' when `p` has not settled within `ms`. */
function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | 'blocked'> {
  return Promise.race([p, new Promise<'blocked'>((done) => setTimeout(() => done('blocked'), ms).unref())]);
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres group weights', () => {
  // The plan test needs an all-visible jobs table: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  it('a grouped queue without stored settings reads no group_settings row at claims and positions', async () => {
    const { s, schema } = await fresh();
    const jobs = await add(s, [named('a0', 'A'), named('a1', 'A'), named('b0', 'B'), named('b1', 'B')]);
    const last = jobs[3]?.id ?? '';
    await withClient(async (c) => {
      expect(await settingsScans(c, schema, last)).toEqual({ scans: 0, claimed: 'a0' });
      await weigh(s, 'A', 2);
      expect(await weightedOf(schema)).toBe(true);
      const weighted = await settingsScans(c, schema, last);
      expect(weighted.claimed).toBe('a0');
      expect(weighted.scans).toBeGreaterThan(0);
      await weigh(s, 'A', null);
      expect(await weightedOf(schema)).toBe(false);
      expect(await settingsScans(c, schema, last)).toEqual({ scans: 0, claimed: 'a0' });
    });
  });

  it('used counts a weighted group round beside its stamp; the round ends with a fresh stamp and used 0', async () => {
    const { s, schema } = await fresh();
    await weigh(s, 'P', 3);
    await add(s, [named('p0', 'P'), named('p1', 'P'), named('p2', 'P'), named('p3', 'P'), named('a0', 'A')]);
    const turns = () =>
      withClient(async (c) => {
        const r = await c.query(`SELECT grp, turn::float8 AS turn, used FROM "${schema}".group_turns WHERE queue = 'q' ORDER BY grp`);
        return Object.fromEntries(r.rows.map((row) => [row.grp as string, { turn: row.turn as number, used: row.used as number }]));
      });
    const start = await turns();
    expect(start.P?.used).toBe(0);
    expect(await claimNames(s, 1)).toEqual(['p0']);
    expect((await turns()).P).toEqual({ turn: start.P?.turn, used: 1 });
    expect(await claimNames(s, 1)).toEqual(['p1']);
    expect((await turns()).P).toEqual({ turn: start.P?.turn, used: 2 });
    expect(await claimNames(s, 1)).toEqual(['p2']);
    const after = await turns();
    expect(after.P?.used).toBe(0);
    expect(after.P?.turn).toBeGreaterThan(after.A?.turn ?? Number.POSITIVE_INFINITY);
    expect(await claimNames(s, 5)).toEqual(['a0', 'p3']);
  });

  it('weighted is true exactly while the queue has settings; setGroup creates a missing queue', async () => {
    const { s, schema } = await fresh();
    await weigh(s, 'A', null);
    expect(await s.getQueue('q')).toMatchObject({ name: 'q', concurrency: null, paused: false });
    expect(await weightedOf(schema)).toBe(false);
    await weigh(s, 'A', 2);
    await weigh(s, 'B', 1);
    await weigh(s, 'A', null);
    expect(await weightedOf(schema)).toBe(true);
    await weigh(s, 'B', null);
    expect(await weightedOf(schema)).toBe(false);
    expect(await s.listGroupSettings({ queue: 'q' })).toEqual([]);
  });

  it('a weight stored while a removal holds the queue row waits, then leaves weighted true', async () => {
    const { s, schema } = await fresh();
    await weigh(s, 'A', 2);
    await withClient(async (c) => {
      await c.query('BEGIN');
      await c.query(renderSql(SQL.groupSettingsUnset, schema), ['q', 'A', T0]);
      const set = weigh(s, 'B', 3);
      expect(await settledWithin(set, 300)).toBe('blocked');
      await c.query(renderSql(SQL.groupSettingsFlag, schema), ['q']);
      await c.query('COMMIT');
      await set;
    });
    expect(await weightedOf(schema)).toBe(true);
    expect(await s.listGroupSettings({ queue: 'q' })).toEqual([{ group: 'B', weight: 3 }]);
  });

  it('a grouped position counts the higher levels and the rank once, not once per other group', async () => {
    const { s, schema } = await fresh(plans);
    const jobs = Array.from({ length: 1_200 }, (_, i) => newJob({ name: `j${i}`, group: `g${i % 300}`, priority: i % 5 === 0 ? 3 : 2 }));
    const added = await add(s, jobs);
    const last = added[added.length - 1]?.id ?? '';
    await weigh(s, 'g1', 2);
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      const sql = renderSql(SQL.positionGrouped, schema).replaceAll('$1', `'${last}'`).replaceAll('$2', String(T0)).replaceAll('$3', `'q'`);
      const plan = (await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0];
      const counts = planNodes(plan.Plan).filter((n) => /priority > |ROW\(run_at, seq\) < /.test(String(n['Index Cond'] ?? '')));
      expect(counts.length).toBeGreaterThan(0);
      for (const n of counts) expect(n['Actual Loops']).toBeLessThanOrEqual(1);
      expect(plan.JIT).toBeUndefined();
    });
  });
});
