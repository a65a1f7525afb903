/**
 * The position counts of Postgres (0017_queued_counts): the triggers keep the counts equal to the
 * queued, ungrouped jobs per priority and run_at bucket through every kind of write, on several
 * connections at once; writers on different connections never wait for each other and a fold
 * never waits for a writer; a position reads a bounded number of jobs_queued entries, not every
 * job ahead. That positions are right is the contract's `position` area; this file checks the
 * structure they are read from.
 */
import { newJob, seededRandom, T0 } from '@waitline/storage-contract';
import { type JobRecord, WaitlineError } from '@waitline/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { createSchemaAt, dropSchemas, freshSchema } from './harness.js';
import { usePlanDatabase } from './plan-database.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const schemas: string[] = [];
const storages: PostgresStorage[] = [];

/** A fresh schema of the test database, dropped after the file. */
function newSchema(): string {
  const schema = freshSchema('counts');
  schemas.push(schema);
  return schema;
}

/** Runs `fn` with two plain clients of the test database (two sessions), ended afterwards. */
async function withTwoClients(fn: (a: pg.Client, b: pg.Client) => Promise<void>): Promise<void> {
  const a = new pg.Client({ connectionString: PG_URL });
  const b = new pg.Client({ connectionString: PG_URL });
  await a.connect();
  await b.connect();
  try {
    await fn(a, b);
  } finally {
    await a.end();
    await b.end();
  }
}

async function open(schema: string): Promise<PostgresStorage> {
  const s = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 3 });
  storages.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(storages.map((s) => s.close()));
  await dropSchemas(schemas);
});

/** Rows of (queue, priority, bits, bucket, n) as one sorted string per row. */
const keyed = (rows: Array<Record<string, unknown>>): string[] =>
  rows.map((r) => `${String(r.queue)}|${String(r.priority)}|${String(r.bits)}|${String(r.bucket)}|${String(r.n)}`).sort();

/** The counts as stored (summed over shards, zeros left out) and as the jobs table says they must be. */
async function countsAndTruth(c: pg.ClientBase, schema: string): Promise<{ stored: string[]; truth: string[] }> {
  const stored = await c.query(`SELECT queue, priority, bits, bucket, sum(n)::bigint AS n FROM "${schema}".queued_counts
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0`);
  const truth = await c.query(`SELECT j.queue, j.priority, b.bits, j.run_at >> b.bits AS bucket, count(*) AS n
    FROM "${schema}".jobs j CROSS JOIN (VALUES (8), (15), (22)) b(bits)
    WHERE j.state = 'queued' AND j.grp IS NULL GROUP BY 1, 2, 3, 4`);
  return { stored: keyed(stored.rows), truth: keyed(truth.rows) };
}

/** One random write through the storage seam, on one of several storages (so several connections). */
async function randomWrite(s: PostgresStorage, rand: () => number, now: number, held: JobRecord[]): Promise<void> {
  const queue = rand() < 0.7 ? 'plain' : 'mixed';
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(rand() * list.length)];
  const queuedIds = async (): Promise<string[]> => (await s.listJobs({ queue, states: ['queued'], limit: 50 })).items.map((j) => j.id);
  const r = rand();
  if (r < 0.35) {
    const jobs = Array.from({ length: 1 + Math.floor(rand() * 20) }, () =>
      newJob({
        priority: Math.floor(rand() * 4),
        runAt: rand() < 0.8 ? now - Math.floor(rand() * 600_000) : now + Math.floor(rand() * 300_000),
        group: queue === 'mixed' && rand() < 0.5 ? `g${Math.floor(rand() * 3)}` : null,
      }),
    );
    await s.enqueue({ queue, jobs, now });
  } else if (r < 0.55) {
    held.push(...(await s.claim({ queue, workerId: 'w', limit: 1 + Math.floor(rand() * 5), leaseMs: 5_000, now })));
  } else if (r < 0.75) {
    const job = held.splice(Math.floor(rand() * held.length), 1)[0];
    if (!job?.leaseToken) return;
    const lease = { id: job.id, leaseToken: job.leaseToken };
    const kind = rand();
    const error = { name: 'Error', message: 'boom', code: 'E_TEST', attempt: job.attempt, at: now };
    if (kind < 0.4) await s.settle({ queue: job.queue, now, completed: [{ ...lease, result: null }] });
    else if (kind < 0.8) await s.settle({ queue: job.queue, now, failed: [{ ...lease, error, retryAt: now + Math.floor(rand() * 2_000) }] });
    else await s.settle({ queue: job.queue, now, failed: [{ ...lease, error, retryAt: null }] });
  } else if (r < 0.95) {
    const id = pick(await queuedIds());
    if (id === undefined) return;
    const op = rand();
    // Another writer may claim or finish the job meanwhile: the refusal (a WaitlineError) is fine.
    const refused = (err: unknown) => {
      if (!(err instanceof WaitlineError)) throw err;
    };
    if (op < 0.3) await s.cancel({ queue, id, now }).catch(refused);
    else if (op < 0.6) await s.changePriority({ queue, id, priority: Math.floor(rand() * 4) }).catch(refused);
    else await s.promote({ queue, id, now }).catch(refused); // only a scheduled job can be promoted
  } else {
    await s.removeJobs({ queue, states: ['queued'], limit: 3 });
  }
}

/** The 1-based positions of a queue's ready jobs by the ordering rule, read straight from jobs. */
async function expectedPositions(c: pg.ClientBase, schema: string, queue: string, now: number): Promise<string[]> {
  const rows = await c.query(
    `SELECT id FROM "${schema}".jobs WHERE queue = $1 AND state = 'queued' AND run_at <= $2
    ORDER BY priority DESC, run_at, seq`,
    [queue, now],
  );
  return rows.rows.map((r) => r.id as string);
}

/** Sum of the rows every jobs_queued node of an EXPLAIN (ANALYZE, FORMAT JSON) plan read. */
function rowsRead(plan: Record<string, unknown>, index: string): number {
  const own = plan['Index Name'] === index ? Number(plan['Actual Rows']) * Number(plan['Actual Loops']) : 0;
  const children = (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return own + children.reduce((sum, child) => sum + rowsRead(child, index), 0);
}

describe.runIf(RUN_PG_TESTS)('postgres position counts', () => {
  it('stay equal to the queued, ungrouped jobs per bucket through random writes on several connections, and fold to one row per bucket', async () => {
    const schema = newSchema();
    const writers = [await open(schema), await open(schema), await open(schema)];
    const rand = seededRandom(17);
    const held: JobRecord[] = [];
    let now = T0;
    for (let round = 0; round < 40; round++) {
      now += Math.floor(rand() * 700);
      await Promise.all(writers.map((s) => randomWrite(s, rand, now, held)));
      await Promise.all(writers.map((s) => randomWrite(s, rand, now, held)));
      if (round % 10 === 9) await writers[0]?.reclaimExpired({ now: now + 10_000, error: { name: 'Error', message: 'lost', code: 'E_STALLED' } });
    }
    await withClient(async (c) => {
      const { stored, truth } = await countsAndTruth(c, schema);
      expect(truth.length).toBeGreaterThan(50);
      expect(stored).toEqual(truth);
      const shards = await c.query(`SELECT count(DISTINCT shard)::int AS n FROM "${schema}".queued_counts`);
      expect(shards.rows[0].n).toBeGreaterThan(1);
      // Positions of the ungrouped queue, every ready job, against the jobs themselves.
      const order = await expectedPositions(c, schema, 'plain', now);
      expect(order.length).toBeGreaterThan(20);
      const got = await Promise.all(order.map((id) => writers[1]?.getPosition({ queue: 'plain', id, now })));
      expect(got).toEqual(order.map((_, i) => i + 1));
      // Folding with no writer in flight leaves one row per bucket, none at 0, and the same sums.
      await c.query(`SELECT "${schema}".fold_queued_counts('plain', 1000000)`);
      await c.query(`SELECT "${schema}".fold_queued_counts('mixed', 1000000)`);
      const left = await c.query(`SELECT count(*) FILTER (WHERE shard <> 0)::int AS unfolded, count(*) FILTER (WHERE n = 0)::int AS zeros,
        count(*)::int AS total FROM "${schema}".queued_counts`);
      expect(left.rows[0]).toEqual({ unfolded: 0, zeros: 0, total: truth.length });
      expect((await countsAndTruth(c, schema)).stored).toEqual(truth);
    });
  });

  it('lets adds on two connections commit without waiting for each other, and a fold skip what a writer holds', async () => {
    const schema = newSchema();
    await (await open(schema)).upsertQueue({ name: 'q', now: T0 });
    const insert = (id: string) =>
      `INSERT INTO "${schema}".jobs (id, queue, name, payload, state, priority, run_at, max_attempts, created_at)
       VALUES ('${id}', 'q', 'job', '{}', 'queued', 1, ${T0}, 1, ${T0})`;
    await withTwoClients(async (a, b) => {
      await b.query(`SET statement_timeout = 3000`);
      await a.query('BEGIN');
      await a.query(insert('held'));
      // Same queue, priority and bucket as the open transaction's job: no wait on its rows.
      await b.query(insert('free'));
      const folded = await b.query(`SELECT "${schema}".fold_queued_counts('q', 1000) AS moved`);
      expect(folded.rows[0].moved).toBe(3);
      await a.query('COMMIT');
      const after = await b.query(`SELECT "${schema}".fold_queued_counts('q', 1000) AS moved`);
      expect(after.rows[0].moved).toBe(3);
      const rows = await b.query(`SELECT bits, n::int AS n, shard FROM "${schema}".queued_counts ORDER BY bits`);
      expect(rows.rows).toEqual([8, 15, 22].map((bits) => ({ bits, n: 2, shard: 0 })));
      // The holder of the housekeeping lease folds too (every worker's housekeeping pass).
      await b.query(insert('third'));
      const s = await open(schema);
      expect((await s.takeHousekeepingLease({ queue: 'q', holder: 'h', now: T0, leaseMs: 10_000 })).held).toBe(true);
      const unfolded = await b.query(`SELECT count(*)::int AS n FROM "${schema}".queued_counts WHERE shard <> 0`);
      expect(unfolded.rows[0].n).toBe(0);
      expect(await s.getPosition({ queue: 'q', id: 'third', now: T0 })).toBe(3);
    });
  });

  it('are emptied by a TRUNCATE of jobs even while a fold is in flight', async () => {
    const schema = newSchema();
    const s = await open(schema);
    await s.upsertQueue({ name: 'q', now: T0 });
    await s.enqueue({ queue: 'q', jobs: Array.from({ length: 5 }, () => newJob({ priority: 1, runAt: T0 })), now: T0 });
    await withTwoClients(async (a, b) => {
      // The fold holds its rows until it commits; the TRUNCATE must wait for it and still empty the counts.
      await a.query('BEGIN');
      await a.query(`SELECT "${schema}".fold_queued_counts('q', 1000)`);
      const truncated = b.query(`TRUNCATE "${schema}".jobs`);
      await new Promise((r) => setTimeout(r, 300));
      await a.query('COMMIT');
      await truncated;
      const left = await b.query(`SELECT count(*)::int AS n FROM "${schema}".queued_counts`);
      expect(left.rows[0].n).toBe(0);
      const job = newJob({ priority: 1, runAt: T0 });
      await s.enqueue({ queue: 'q', jobs: [job], now: T0 });
      expect(await s.getPosition({ queue: 'q', id: job.id, now: T0 })).toBe(1);
    });
  });

  it('are filled from the jobs already queued when a schema of version 16 is upgraded', async () => {
    const schema = newSchema();
    await withClient(async (c) => {
      await createSchemaAt(c, schema, 16);
      // 300 jobs over 4 levels, 5 states, a fifth in a group, run_at spread over 20 minutes.
      await c.query(`INSERT INTO "${schema}".jobs (id, queue, name, payload, state, priority, run_at, max_attempts, created_at, finished_at, grp)
        SELECT 'j' || i, 'q', 'job', '{}', s.state, i % 4, ${T0} + i * 4000, 1, ${T0},
          CASE WHEN s.state IN ('queued', 'running') THEN NULL ELSE ${T0} END, CASE WHEN i % 5 = 0 THEN 'g' END
        FROM generate_series(1, 300) i
        CROSS JOIN LATERAL (SELECT (ARRAY['queued', 'queued', 'running', 'completed', 'failed', 'cancelled'])[1 + i % 6] AS state) s`);
    });
    await open(schema);
    await withClient(async (c) => {
      const { stored, truth } = await countsAndTruth(c, schema);
      expect(truth.length).toBeGreaterThan(20);
      expect(stored).toEqual(truth);
    });
  });

  describe('reading', () => {
    const plans = usePlanDatabase();

    it('a position at the back reads one 256-ms bucket of jobs_queued per level, not the jobs ahead', async () => {
      const { storage: s, schema } = await plans.open({ poolSize: 2 }, 'counts');
      await s.upsertQueue({ name: 'q', now: T0 });
      // 20,000 jobs 20 ms apart (about 13 per 256-ms bucket) and 5,000 at a higher level.
      const low = Array.from({ length: 20_000 }, (_, i) => newJob({ priority: 1, runAt: T0 + i * 20 }));
      const high = Array.from({ length: 5_000 }, (_, i) => newJob({ priority: 5, runAt: T0 + i * 80 }));
      for (let i = 0; i < low.length; i += 5_000) await s.enqueue({ queue: 'q', jobs: low.slice(i, i + 5_000), now: T0 });
      await s.enqueue({ queue: 'q', jobs: high, now: T0 });
      const now = T0 + 1_000_000;
      const last = low[low.length - 1];
      expect(await s.getPosition({ queue: 'q', id: last?.id ?? '', now })).toBe(25_000);
      await plans.withClient(async (c) => {
        await c.query(`VACUUM ANALYZE "${schema}".jobs`);
        // position.sql calls queued_position(): explain the function's own statement.
        const body = await c.query(
          `SELECT p.prosrc, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = $1 AND p.proname = 'queued_position'`,
          [schema],
        );
        expect(body.rows[0].proconfig).toEqual(['jit=off']);
        const src = body.rows[0].prosrc as string;
        const statement = src.slice(src.indexOf('RETURN QUERY') + 'RETURN QUERY'.length, src.lastIndexOf(';'));
        await c.query(`PREPARE queued_position_body(text, bigint, text) AS ${statement}`);
        const result = await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE queued_position_body('${last?.id}', ${now}, 'q')`);
        const plan = (result.rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]?.Plan ?? {};
        const read = rowsRead(plan, 'jobs_queued');
        // At most one bucket per level (13 and 4 jobs here): far from the 24,999 jobs ahead.
        expect(read).toBeLessThanOrEqual(40);
        expect(JSON.stringify(plan)).not.toMatch(/Seq Scan/);
      });
    });
  });
});
