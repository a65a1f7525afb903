/**
 * The SQLite query plans: every statement reads through the indexes it was written for (positions
 * and the work ahead index-only, the work ahead in claim order under its LIMIT, claims in index
 * order, no full scans), checked with EXPLAIN QUERY PLAN on a migrated in-memory database.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SQL } from '../src/generated/sql.js';

/** A migrated in-memory database for query plans. */
function planDatabase(): Database.Database {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m.sql);
  return db;
}

/** The EXPLAIN QUERY PLAN lines of a statement, every named parameter bound to NULL. */
function queryPlan(db: Database.Database, sql: string): string[] {
  const body = sql.replace(/--[^\n]*/g, '');
  const params = Object.fromEntries([...body.matchAll(/:([A-Za-z]\w*)/g)].map((m) => [m[1], null]));
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
}

describe('query plans', () => {
  const db = planDatabase();
  afterAll(() => db.close());

  it('counts a position with two index-only range scans of jobs_queued', () => {
    const plan = queryPlan(db, SQL.position);
    const counts = plan.filter((line) => line.startsWith('SEARCH a '));
    expect(counts).toEqual([
      'SEARCH a USING COVERING INDEX jobs_queued (queue=? AND priority>?)',
      'SEARCH a USING COVERING INDEX jobs_queued (queue=? AND priority=? AND run_at<?)',
    ]);
  });

  it('claims through jobs_queued in index order (no sort) and updates by primary key', () => {
    const plan = queryPlan(db, SQL.claim);
    expect(plan).toContain('SEARCH jobs USING COVERING INDEX jobs_queued (queue=?)');
    expect(plan).toContain('SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)');
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('groups the work ahead from a LIMITed walk of jobs_queued in claim order (no sort before the LIMIT)', () => {
    const plan = queryPlan(db, SQL.aheadWork);
    expect(plan).toContain('SEARCH jobs USING COVERING INDEX jobs_queued (queue=?)');
    // Only the grouping of the at most :limit rows read may use a temporary B-tree.
    expect(plan.filter((line) => /TEMP B-TREE/.test(line))).toEqual(['USE TEMP B-TREE FOR GROUP BY']);
  });

  it('lists the scheduled jobs that outrank a job from index-only ranges of both queued indexes, sorted under the LIMIT', () => {
    expect(queryPlan(db, SQL.dueAhead).filter((line) => line.startsWith('SEARCH') || /TEMP B-TREE/.test(line))).toEqual([
      'SEARCH jobs USING COVERING INDEX jobs_queued (queue=? AND priority>?)',
      'SEARCH jobs USING COVERING INDEX jobs_grouped (queue=? AND priority>?)',
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
  });

  it('reads the work ahead, the concurrency, maxSize, state and window counts from the indexes alone', () => {
    const queued = ['aheadWork', 'aheadJobs', 'countQueuedBounded'].map((name) => [name, ['jobs_queued']] as const);
    const dequeued = ['countRunning', 'windowCounts'].map((name) => [name, ['jobs_dequeued']] as const);
    for (const [name, indexes] of [...queued, ...dequeued, ['stateCounts', ['jobs_queued', 'jobs_dequeued']] as const]) {
      const searches = queryPlan(db, SQL[name as keyof typeof SQL]).filter((line) => line.startsWith('SEARCH jobs'));
      const used = searches.map((line) => /^SEARCH jobs USING COVERING INDEX (\w+) /.exec(line)?.[1] ?? line);
      expect(new Set(used), name).toEqual(new Set(indexes));
    }
  });

  it('no statement scans a whole table or index, except listQueues reading the queues it lists', () => {
    for (const [name, sql] of Object.entries(SQL)) {
      const plan = queryPlan(db, sql);
      if (name === 'listQueues') {
        // Listing every queue reads every queues row (one per queue), in name order from its key.
        expect(plan).toEqual(['SCAN queues USING INDEX sqlite_autoindex_queues_1']);
        continue;
      }
      for (const line of plan) expect(line, name).not.toMatch(/^SCAN (jobs|queues|workers)\b/);
    }
  });

  it('reads due schedules through schedules_due in order, and fires and lists by primary key, without a sort', () => {
    expect(queryPlan(db, SQL.dueSchedules)).toEqual(['SEARCH schedules USING INDEX schedules_due (queue=? AND next_run_at<?)']);
    for (const name of ['listSchedules', 'fireSchedule', 'removeSchedule'] as const) {
      const plan = queryPlan(db, SQL[name]).join('\n');
      expect(plan, name).toMatch(/SEARCH schedules USING PRIMARY KEY \(queue=\?/);
      expect(plan, name).not.toMatch(/TEMP B-TREE|SCAN schedules/);
    }
  });

  it('reads a grouped queue index-only: each group on its own seek, the default group on jobs_queued', () => {
    const perGroup = ['groupHead', 'groupRank', 'groupReadyBounded', 'groupAheadJobs', 'groupHasQueued', 'higherReady'];
    for (const name of perGroup) {
      const searches = queryPlan(db, SQL[name as keyof typeof SQL]).filter((line) => line.startsWith('SEARCH jobs'));
      const used = searches.map((line) => /^SEARCH jobs USING COVERING INDEX (\w+) /.exec(line)?.[1] ?? line);
      expect(new Set(used), name).toEqual(new Set(['jobs_queued', 'jobs_grouped']));
      expect(
        searches.find((line) => line.includes('jobs_grouped')),
        name,
      ).toMatch(/\(queue=\? AND priority[=>]\?/);
    }
    for (const name of ['countGroupedBounded', 'groupedCounts'] as const) {
      expect(
        queryPlan(db, SQL[name]).filter((line) => line.startsWith('SEARCH jobs')),
        name,
      ).toEqual(['SEARCH jobs USING COVERING INDEX jobs_grouped (queue=?)']);
    }
    for (const name of ['turnLevelBelow', 'turnsPage', 'turnsAt'] as const) {
      const plan = queryPlan(db, SQL[name]);
      expect(plan[0], name).toMatch(/^SEARCH group_turns USING COVERING INDEX group_turns_order \(queue=\?/);
      expect(plan.join('\n'), name).not.toMatch(/TEMP B-TREE/);
    }
    expect(queryPlan(db, SQL.claimOne)).toEqual(['SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)']);
  });

  it('reads, trims and clears a group log of starts on group_rate_starts_queue_grp_at, one range per group', () => {
    expect(queryPlan(db, SQL.groupRateStarts)).toEqual([
      'SEARCH group_rate_starts USING COVERING INDEX group_rate_starts_queue_grp_at (queue=? AND grp=? AND at>?)',
    ]);
    expect(queryPlan(db, SQL.groupRateStartsTrim)).toEqual([
      'SEARCH group_rate_starts USING INDEX group_rate_starts_queue_grp_at (queue=? AND grp=? AND at<?)',
    ]);
    expect(queryPlan(db, SQL.groupRateStartsClear)).toEqual(['SEARCH group_rate_starts USING INDEX group_rate_starts_queue_grp_at (queue=?)']);
  });

  it('binds no LIMIT to a bare parameter (SQLite would re-prepare the statement at every binding)', () => {
    for (const [name, sql] of Object.entries(SQL)) expect(sql.replace(/--[^\n]*/g, ''), name).not.toMatch(/\bLIMIT\s+:/i);
  });
});
