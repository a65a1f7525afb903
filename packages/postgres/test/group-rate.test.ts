/**
 * Group rate limits on Postgres (migration 0015): a grouped queue without the limit reads and
 * writes no group_rate_starts row at claims, concurrent claims never both take a group's last
 * token, a claim trims the expired starts and removing the limit forgets them all, and the token
 * count and the trim are seeks on their own indexes. The shared rules are the contract's
 * `groups-rate` area.
 */
import type { NewJob, Storage } from '@waitline/core';
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
  const schema = freshSchema('grate');
  schemas.push(schema);
  const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 4 });
  opened.push(storage);
  return { storage, schema };
}

/** A storage with queue q, in the test database or (a plan test) in `plans`. */
async function fresh(groupRateLimit?: { max: number; intervalMs: number }, plans?: PlanDatabase): Promise<{ s: PostgresStorage; schema: string }> {
  const { storage: s, schema } = plans ? await plans.open({ poolSize: 4 }, 'grate') : await openShared();
  await s.upsertQueue({ name: 'q', now: T0, ...(groupRateLimit ? { groupRateLimit } : {}) });
  return { s, schema };
}

const named = (name: string, group: string | null) => newJob({ name, group });
const add = (s: Storage, jobs: NewJob[]) => s.enqueue({ queue: 'q', jobs, now: T0 });
const claimNames = async (s: Storage, limit: number, now = T0) =>
  (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now })).map((j) => j.name);
const explain = (c: pg.ClientBase, sql: string) => c.query(`EXPLAIN ${sql}`).then((r) => r.rows.map((row) => row['QUERY PLAN']).join('\n'));

/** The group_rate_starts rows of the schema, as (grp, at), oldest first. */
function startsOf(schema: string): Promise<Array<{ grp: string; at: number }>> {
  return withClient(async (c) => (await c.query(`SELECT grp, at::float8 AS at FROM "${schema}".group_rate_starts ORDER BY at, grp`)).rows);
}

/**
 * In one transaction that is rolled back: a claim of `limit` through the claim function; returns
 * the scans of group_rate_starts it made (its table and indexes: the backend's pending counts after
 * minus before) and the rows it wrote there.
 */
async function startScans(c: pg.ClientBase, schema: string, limit: number): Promise<{ scans: number; inserted: number; claimed: number }> {
  const stats = async () => {
    const sql = `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n, n_tup_ins AS ins FROM pg_stat_xact_user_tables WHERE relid = $1::regclass`;
    const row = (await c.query(sql, [`"${schema}".group_rate_starts`])).rows[0];
    return { n: Number(row.n), ins: Number(row.ins) };
  };
  await c.query('BEGIN');
  try {
    const before = await stats();
    const claim = await c.query(renderSql(`SELECT c FROM {{schema}}.claim('q', $1, 'w', $2, 60000, 'tok') c`, schema), [T0, limit]);
    const after = await stats();
    const claimed = claim.rows.filter((r) => r.c.id !== undefined).length;
    return { scans: after.n - before.n, inserted: after.ins - before.ins, claimed };
  } finally {
    await c.query('ROLLBACK');
  }
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres group rate limits', () => {
  // The plan test needs an all-visible table: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  it('a grouped queue without the limit neither reads nor writes group_rate_starts at claims', async () => {
    const { s, schema } = await fresh();
    await add(s, [named('a0', 'A'), named('a1', 'A'), named('b0', 'B'), named('u0', null)]);
    expect(await withClient((c) => startScans(c, schema, 4))).toEqual({ scans: 0, inserted: 0, claimed: 4 });
    await s.upsertQueue({ name: 'q', now: T0, groupRateLimit: { max: 5, intervalMs: 1_000 } });
    // With the limit: the trim, the token probes, and one row per named group's start.
    const limited = await withClient((c) => startScans(c, schema, 4));
    expect([limited.inserted, limited.claimed]).toEqual([3, 4]);
    expect(limited.scans).toBeGreaterThan(0);
  });

  it('concurrent claims never both take a group last token', async () => {
    const { s, schema } = await fresh({ max: 2, intervalMs: 60_000 });
    await add(
      s,
      Array.from({ length: 10 }, (_, i) => named(`a${i}`, 'A')),
    );
    const other = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 4 });
    opened.push(other);
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimNames(i % 2 === 0 ? s : other, 1)));
    expect(claims.flat().sort()).toEqual(['a0', 'a1']);
    expect((await startsOf(schema)).map((r) => r.grp)).toEqual(['A', 'A']);
  });

  it('a claim trims the expired starts; removing the limit forgets them all; replacing it keeps them', async () => {
    const { s, schema } = await fresh({ max: 1, intervalMs: 1_000 });
    await add(s, [named('a0', 'A'), named('a1', 'A'), named('a2', 'A'), named('b0', 'B'), named('b1', 'B'), named('c0', 'C')]);
    expect(await claimNames(s, 1)).toEqual(['a0']);
    expect(await claimNames(s, 5, T0 + 600)).toEqual(['b0', 'c0']);
    // At T0 + 1_000 A's start has expired (B's and C's have not): the claim deletes it, logs a1.
    expect(await claimNames(s, 5, T0 + 1_000)).toEqual(['a1']);
    expect(await startsOf(schema)).toEqual([
      { grp: 'B', at: T0 + 600 },
      { grp: 'C', at: T0 + 600 },
      { grp: 'A', at: T0 + 1_000 },
    ]);
    await s.upsertQueue({ name: 'q', now: T0, groupRateLimit: { max: 1, intervalMs: 5_000 } });
    expect(await startsOf(schema)).toHaveLength(3);
    await s.upsertQueue({ name: 'q', now: T0, groupRateLimit: null });
    expect(await startsOf(schema)).toEqual([]);
    // Without the limit nothing is logged.
    expect(await claimNames(s, 5, T0 + 1_001)).toEqual(['b1', 'a2']);
    expect(await startsOf(schema)).toEqual([]);
  });

  it('counts a group starts and trims the log with seeks on their own indexes', async () => {
    const { schema } = await fresh({ max: 3, intervalMs: 1_000 }, plans);
    await plans.withClient(async (c) => {
      const t = `"${schema}".group_rate_starts`;
      await c.query(`INSERT INTO ${t} (queue, grp, at) SELECT 'q', 'g' || (i % 200), ${T0} + i FROM generate_series(1, 20000) i`);
      await c.query(`INSERT INTO ${t} (queue, grp, at) SELECT 'other', 'g' || (i % 200), ${T0} + i FROM generate_series(1, 20000) i`);
      await c.query(`VACUUM ANALYZE ${t}`);
      const now = T0 + 20_000;
      const count = `SELECT count(*) FROM (SELECT 1 FROM ${t} s WHERE s.queue = 'q' AND s.grp = 'g1' AND s.at > ${now - 1_000} LIMIT 3) x`;
      expect(await explain(c, count)).toMatch(/Index Only Scan using group_rate_starts_group/);
      const next = `SELECT s.at FROM ${t} s WHERE s.queue = 'q' AND s.grp = 'g1' AND s.at > ${now - 1_000} ORDER BY s.at DESC OFFSET 2 LIMIT 1`;
      expect(await explain(c, next)).toMatch(/Index Only Scan Backward using group_rate_starts_group/);
      const trim = `DELETE FROM ${t} s WHERE s.queue = 'q' AND s.at <= ${T0 + 100}`;
      const plan = await explain(c, trim);
      expect(plan).toMatch(/group_rate_starts_queue_at/);
      expect(plan).not.toMatch(/Seq Scan/);
    });
  });
});
