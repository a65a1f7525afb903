/**
 * Position inputs' `dueAhead` on Postgres (due-ahead.sql): the scheduled jobs that outrank a
 * waiting one are found with seeks of jobs_queued and jobs_grouped, level by level and group by
 * group, never a scan of the queue's jobs nor a walk of the ready ones. What it lists is the
 * contract's `position-due` area.
 */
import { newJob, T0 } from '@waitline/storage-contract';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { renderSql } from '../src/context.js';
import { SQL } from '../src/generated/sql.js';
import { usePlanDatabase } from './plan-database.js';
import { RUN_PG_TESTS } from './server.js';

const explain = (c: pg.ClientBase, sql: string, values: unknown[]) =>
  c.query(`EXPLAIN ${sql}`, values).then((r) => r.rows.map((row) => row['QUERY PLAN']).join('\n'));

describe.runIf(RUN_PG_TESTS)('postgres dueAhead', () => {
  // The plan needs an all-visible jobs table: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  it('walks the higher levels of jobs_queued and jobs_grouped by seeks, never a scan of jobs', async () => {
    const { storage: s, schema } = await plans.open({ poolSize: 2 }, 'due');
    await s.upsertQueue({ name: 'q', now: T0 });
    // Four levels; one job in ten ungrouped, the rest in 40 groups; every other job scheduled.
    const jobs = Array.from({ length: 4_000 }, (_, i) =>
      newJob({ priority: 1 + (i % 4), group: i % 10 === 0 ? null : `g${i % 40}`, runAt: i % 2 === 0 ? T0 : T0 + 1_000 + i }),
    );
    await s.enqueue({ queue: 'q', jobs, now: T0 });
    const target = jobs.find((j) => j.priority === 1 && j.runAt === T0);
    const inputs = await s.getPositionInputs({
      queue: 'q',
      id: target?.id ?? '',
      now: T0,
      sampleLimit: 0,
      aheadListLimit: 0,
      aheadWorkLimit: 0,
      dueAheadLimit: 50,
      workerStaleMs: 60_000,
    });
    const expected = jobs.filter((j) => j.priority > 1 && j.runAt > T0).sort((a, b) => a.runAt - b.runAt);
    expect(inputs?.dueAhead.map((d) => d.runAt)).toEqual(expected.slice(0, 50).map((j) => j.runAt));
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      const plan = await explain(c, renderSql(SQL.dueAhead, schema), ['q', T0, 1, 50]);
      expect(plan).toMatch(/Index Only Scan using jobs_queued/);
      expect(plan).toMatch(/Index Only Scan using jobs_grouped/);
      expect(plan).not.toMatch(/Seq Scan|jobs_queue_seq|jobs_group_queued/);
    });
  });
});
