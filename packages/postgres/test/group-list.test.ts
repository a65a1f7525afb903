/**
 * `listGroups` on Postgres (migration 0016): names in code-point order whatever the database's
 * collation, and a page read by seeks on jobs_group_names, never a scan of the queue's jobs. The
 * shared rules are the contract's `groups-list` area.
 */
import type { NewJob } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { SQL } from '../src/generated/sql.js';
import { dropSchemas, freshSchema } from './harness.js';
import { type PlanDatabase, type PlanStorage, usePlanDatabase } from './plan-database.js';
import { PG_URL, RUN_PG_TESTS } from './server.js';

const schemas: string[] = [];
const opened: PostgresStorage[] = [];

/** A storage in a fresh schema of the test database, dropped after the file. */
async function openShared(): Promise<PlanStorage> {
  const schema = freshSchema('glist');
  schemas.push(schema);
  const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 2 });
  opened.push(storage);
  return { storage, schema };
}

/** A storage with queue q, in the test database or (a plan test) in `plans`. */
async function fresh(plans?: PlanDatabase): Promise<{ s: PostgresStorage; schema: string }> {
  const { storage: s, schema } = plans ? await plans.open({ poolSize: 2 }, 'glist') : await openShared();
  await s.upsertQueue({ name: 'q', now: T0 });
  return { s, schema };
}

const inGroup = (name: string, group: string | null, more: Partial<NewJob> = {}) => newJob({ name, group, ...more });
const explain = (c: pg.ClientBase, sql: string, values: unknown[]) =>
  c.query(`EXPLAIN ${sql}`, values).then((r) => r.rows.map((row) => row['QUERY PLAN']).join('\n'));

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres listGroups', () => {
  // The plan test needs an all-visible jobs table: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  it('orders names by code point (UTF-8 bytes), not by UTF-16 unit nor the database collation', async () => {
    const { s } = await fresh();
    // U+FFFD sorts before U+1F600 by code point, after it by UTF-16 unit (a surrogate, 0xD83D).
    const names = ['\u{1F600}', '\uFFFD', 'b', 'B', 'a b', 'ab', 'Z'];
    await s.enqueue({ queue: 'q', jobs: names.map((g, i) => inGroup(`j${i}`, g)), now: T0 });
    await s.setGroup?.({ queue: 'q', group: 'é', settings: { weight: 4 }, now: T0 });
    const all = await s.listGroups?.({ queue: 'q', now: T0, limit: 100 });
    expect(all?.items.map((g) => g.group)).toEqual(['B', 'Z', 'a b', 'ab', 'b', 'é', '\uFFFD', '\u{1F600}']);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await s.listGroups?.({ queue: 'q', now: T0, limit: 3, ...(after === undefined ? {} : { after }) });
      paged.push(...(page?.items.map((g) => g.group) ?? []));
      if (page?.nextAfter === null || page === undefined) break;
      after = page.nextAfter;
    }
    expect(paged).toEqual(all?.items.map((g) => g.group));
  });

  it('reads a page with seeks on jobs_group_names, not a scan of the queue', async () => {
    const { s, schema } = await fresh(plans);
    const jobs = Array.from({ length: 3_000 }, (_, i) => inGroup(`j${i}`, i % 10 === 0 ? null : `g${i % 60}`, { runAt: T0 + (i % 2) * 1_000 }));
    await s.enqueue({ queue: 'q', jobs, now: T0 });
    await s.claim({ queue: 'q', workerId: 'w', limit: 30, leaseMs: 60_000, now: T0 });
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      const plan = await explain(c, renderSql(SQL.listGroups, schema), ['q', T0, 'g3', 6]);
      // The walk's seeks are index-only; a group's count may be a bitmap scan of its own entries
      // (when the visibility map lags), but every read of jobs goes through jobs_group_names.
      expect(plan).toMatch(/Index Only Scan using jobs_group_names/);
      expect(plan).not.toMatch(/Seq Scan on jobs/);
      const onJobs = [...plan.matchAll(/(?:Scan using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]).filter((name) => name?.startsWith('jobs'));
      expect(new Set(onJobs)).toEqual(new Set(['jobs_group_names']));
    });
    const page = await s.listGroups?.({ queue: 'q', now: T0, after: 'g3', limit: 5 });
    // g30 has no job: every tenth job is ungrouped, and those are the ones of g0, g10, ... g50.
    expect(page?.items.map((g) => g.group)).toEqual(['g31', 'g32', 'g33', 'g34', 'g35']);
    expect(page?.nextAfter).toBe('g35');
    const total = page?.items.reduce((n, g) => n + g.ready + g.scheduled + g.running, 0);
    expect(total).toBe(5 * 50);
  });
});
