/**
 * What only Postgres has: option and schema-name checks, plans (index-only position, the LIMITed
 * walks of jobs_queued by the work-ahead grouping and the claim), LISTEN surviving a dropped
 * connection, the pool bound, a caller's pool, the event journal staying empty when nobody listens
 * elsewhere, the upgrade of a version 1 schema, and the embedded SQL.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, StorageUnavailableError, ValidationError, Worker } from '@waitline/core';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { MIGRATIONS, SQL } from '../src/generated/sql.js';
import { createSchemaAt, dropSchemas, freshSchema } from './harness.js';
import { usePlanDatabase } from './plan-database.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** claim_grouped as 0012 created it (its signature; the body does not matter to the upgrade). */
const OLD_CLAIM_GROUPED = `CREATE FUNCTION {{schema}}.claim_grouped(p_queue text, p_now bigint, p_worker text, p_n bigint,
  p_lease_ms bigint, p_token text) RETURNS SETOF json LANGUAGE sql AS 'SELECT NULL::json WHERE false'`;
/** claim_grouped as 0013 created it (p_cap added). */
const CLAIM_GROUPED_0013 = `CREATE FUNCTION {{schema}}.claim_grouped(p_queue text, p_now bigint, p_worker text, p_n bigint,
  p_lease_ms bigint, p_token text, p_cap integer) RETURNS SETOF json LANGUAGE sql AS 'SELECT NULL::json WHERE false'`;
/** claim_grouped as 0014 created it (p_weighted added; 0015 adds the group rate limit). */
const CLAIM_GROUPED_0014 = `CREATE FUNCTION {{schema}}.claim_grouped(p_queue text, p_now bigint, p_worker text, p_n bigint,
  p_lease_ms bigint, p_token text, p_cap integer, p_weighted boolean) RETURNS SETOF json LANGUAGE sql AS 'SELECT NULL::json WHERE false'`;
/** group_served as 0012 and 0013 created it (before p_weighted). */
const GROUP_SERVED_0012 = `CREATE FUNCTION {{schema}}.group_served(p_queue text, p_priority integer, p_grp text, p_turn bigint)
  RETURNS void LANGUAGE sql AS 'SELECT'`;
/** The functions whose signature a later migration changed, as the code of each version left them. */
const OLD_SIGNATURES: Record<number, string[]> = {
  12: [OLD_CLAIM_GROUPED, GROUP_SERVED_0012],
  13: [CLAIM_GROUPED_0013, GROUP_SERVED_0012],
  14: [CLAIM_GROUPED_0014],
};
const schemas: string[] = [];
const storages: PostgresStorage[] = [];

async function openFresh(options: Partial<Parameters<typeof PostgresStorage.open>[0]> = {}, tag = 't'): Promise<PostgresStorage> {
  const schema = freshSchema(tag);
  schemas.push(schema);
  const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, ...options });
  storages.push(storage);
  return storage;
}

function schemaOf(storage: PostgresStorage): string {
  return storage.describe().options.schema as string;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(RUN_PG_TESTS)('@waitline/postgres', () => {
  // The plan tests need all-visible jobs tables: a database no other test's snapshot holds back.
  const plans = usePlanDatabase();

  afterAll(async () => {
    await Promise.allSettled(storages.map((s) => s.close()));
    await dropSchemas(schemas);
  });

  it('refuses a bad schema name or connection with a ValidationError naming the option', async () => {
    for (const schema of ['', '1abc', 'a"b', 'a-b', 'x'.repeat(41), 7]) {
      const err = await PostgresStorage.open({ connectionString: PG_URL, schema: schema as string }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(['schema']);
    }
    const pool = new pg.Pool({ connectionString: PG_URL });
    const both = await PostgresStorage.open({ connectionString: PG_URL, pool }).catch((e) => e);
    expect((both as ValidationError).path).toEqual(['connectionString']);
    await pool.end();
  });

  it('a database or role the server does not have: StorageUnavailableError saying what to check', async () => {
    for (const [path, code] of [
      ['/no_such_database_wl', '3D000'],
      ['', '28000'],
    ] as const) {
      const url = new URL(PG_URL);
      if (path) url.pathname = path;
      else url.username = 'no_such_role_wl';
      const err = await PostgresStorage.open({ connectionString: url.toString(), schema: freshSchema() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as Error).message).toMatch(/check the connection string's user, password and database/);
      expect(((err as Error).cause as { code?: string }).code).toBe(code);
    }
  });

  it('refuses options that are not an object, or wrong-typed fields, naming the option', async () => {
    const bad: Array<[unknown, Array<string | number>]> = [
      [null, []],
      [undefined, ['connectionString']],
      ['postgres://x', []],
      [{ connectionString: PG_URL, schema: 5 }, ['schema']],
      [{ connectionString: PG_URL, poolSize: -1 }, ['poolSize']],
      [{ connectionString: PG_URL, poolSize: 2.5 }, ['poolSize']],
      [{ connectionString: PG_URL, migrate: 'yes' }, ['migrate']],
      [{ connectionString: PG_URL, applicationName: 'a\u0000' }, ['applicationName']],
      [{ connectionString: PG_URL, settleCommit: 'later' }, ['settleCommit']],
      [{ connectionString: 5 }, ['connectionString']],
      [{ connection: 'host=x' }, ['connection']],
      [{ connection: { host: 'x', port: 70_000 } }, ['connection', 'port']],
      [{ pool: {} }, ['pool']],
      [{ connectionString: PG_URL, colour: 'red' }, []],
    ];
    for (const [options, path] of bad) {
      const err = await PostgresStorage.open(options as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(path);
    }
  });

  it("settleCommit 'async' drains like 'sync', and worker processes reopen with it", async () => {
    const storage = await openFresh({ settleCommit: 'async' });
    expect(storage.describe().options).toMatchObject({ settleCommit: 'async' });
    const q = new Queue<{ n: number }, number>(storage, 'async-settles');
    const jobs = await q.addBulk(Array.from({ length: 50 }, (_, n) => ({ payload: { n } })));
    const worker = new Worker(q, async (job) => job.payload.n * 2, { concurrency: 4 });
    try {
      const results = await Promise.all(jobs.map((j) => j.finished({ timeoutMs: 20_000 })));
      expect(results).toEqual(jobs.map((_, n) => n * 2));
      expect((await q.getStats()).counts).toMatchObject({ completed: 50, queued: 0, running: 0 });
    } finally {
      await worker.close();
    }
  });

  it('keeps a mixed-case schema name as written (always quoted)', async () => {
    const storage = await openFresh({}, 'Mixed');
    const q = new Queue(storage, 'q');
    await q.add({ n: 1 });
    const found = await withClient((c) => c.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schemaOf(storage)]));
    expect(found.rows[0].n).toBe(1);
  });

  it('uses a pool you give without ending it, and describes it as plain data', async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const schema = freshSchema();
    schemas.push(schema);
    const storage = await PostgresStorage.open({ pool, schema });
    await new Queue(storage, 'q').add({ n: 1 });
    expect(storage.describe().options).toMatchObject({ connection: { connectionString: PG_URL }, schema, migrate: false });
    await storage.close();
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await pool.end();
  });

  it('groups the work ahead and claims by walking jobs_queued in claim order', async () => {
    const { storage, schema } = await plans.open();
    const q = new Queue(storage, 'q');
    await q.addBulk(Array.from({ length: 3_000 }, (_, i) => ({ payload: { i }, options: { priority: 1 + (i % 4) } })));
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      // The position's own reads are checked in test/queued-counts.test.ts (rows read per level).
      // The ETA's grouping walks the same index in claim order and stops at its LIMIT.
      const work = renderSql(SQL.aheadWork, schema).replace(/\$1/g, "'q'").replace(/\$2/g, String(Date.now())).replace(/\$3/g, '1000');
      const workPlan = (await c.query(`EXPLAIN ${work}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(workPlan).toMatch(/Limit[\s\S]*Index Only Scan using jobs_queued/);
      expect(workPlan).not.toMatch(/Seq Scan|Sort Key: a\.priority/);
      const pick = `SELECT c.id FROM "${schema}".jobs c WHERE c.queue = 'q' AND c.state = 'queued' AND c.grp IS NULL AND c.run_at <= ${Date.now()}
        ORDER BY c.priority DESC, c.run_at, c.seq LIMIT 5 FOR UPDATE SKIP LOCKED`;
      const claimPlan = (await c.query(`EXPLAIN ${pick}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(claimPlan).toMatch(/Index Scan using jobs_queued/);
      expect(claimPlan).not.toMatch(/Sort|Seq Scan/);
    });
  });

  it('a grouped queue counts positions, lists the jobs ahead and probes heads with index seeks, never a scan', async () => {
    const { storage, schema } = await plans.open();
    const q = new Queue(storage, 'q');
    const group = (i: number) => (i % 10 === 0 ? undefined : `g${i % 40}`);
    const jobs = await q.addBulk(Array.from({ length: 4_000 }, (_, i) => ({ payload: { i }, options: { priority: 1 + (i % 3), group: group(i) } })));
    const explain = (c: pg.ClientBase, sql: string) => c.query(`EXPLAIN ${sql}`).then((r) => r.rows.map((row) => row['QUERY PLAN']).join('\n'));
    await plans.withClient(async (c) => {
      await c.query(`VACUUM ANALYZE "${schema}".jobs`);
      const now = String(Date.now());
      const id = (jobs[2_001] as { id: string }).id;
      const position = renderSql(SQL.positionGrouped, schema).replace(/\$1/g, `'${id}'`).replace(/\$2/g, now).replace(/\$3/g, "'q'");
      const plan = await explain(c, position);
      expect(plan).toMatch(/Index Only Scan using jobs_grouped/);
      expect(plan).toMatch(/Index Only Scan using jobs_queued/);
      expect(plan).not.toMatch(/Seq Scan|Bitmap/);
      const lines = renderSql(SQL.aheadGrouped, schema)
        .replace(/\$1/g, "'q'")
        .replace(/\$2/g, now)
        .replace(/\$3/g, '2')
        .replace(/\$4/g, "ARRAY['', 'g1', 'g2']")
        .replace(/\$5/g, 'ARRAY[3, 3, 3]');
      const linesPlan = await explain(c, lines);
      expect(linesPlan).toMatch(/Limit[\s\S]*Index Only Scan using jobs_grouped/);
      expect(linesPlan).not.toMatch(/Seq Scan|Bitmap/);
      const head = `SELECT j.id, j.run_at FROM "${schema}".jobs j WHERE j.queue = 'q' AND j.state = 'queued' AND j.grp = 'g1' AND j.priority = 2
        ORDER BY j.run_at, j.seq LIMIT 1`;
      const headPlan = await explain(c, head);
      expect(headPlan).toMatch(/Index Scan using jobs_grouped/);
      expect(headPlan).not.toMatch(/Sort|Seq Scan/);
    });
    // The positions reported are the order claims return.
    const ready = await Promise.all(jobs.slice(0, 200).map(async (j) => [j.id, await q.getPosition(j.id)] as const));
    const claimed = await storage.claim({ queue: 'q', now: storage.clock.now(), workerId: 'w', limit: 50, leaseMs: 60_000 });
    const firstFifty = new Map(ready.filter(([, p]) => p !== null && p <= 50).map(([id, p]) => [id, p]));
    for (const [i, job] of claimed.entries()) if (firstFifty.has(job.id)) expect(firstFifty.get(job.id)).toBe(i + 1);
  });

  it('an idle worker still wakes on adds after its LISTEN connection is killed, and catches up on what came meanwhile', async () => {
    const storage = await openFresh();
    const schema = schemaOf(storage);
    const q = new Queue(storage, 'q');
    const ran: number[] = [];
    const worker = new Worker(q, async (job) => void ran.push((job.payload as { n: number }).n), { pollIntervalMs: 60_000, heartbeat: 'main' });
    worker.on('error', () => undefined);
    const listeners = () =>
      withClient(async (c) => {
        const r = await c.query(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN "waitline:${schema}"`]);
        return r.rows.map((row) => row.pid as number);
      });
    await until(async () => (await listeners()).length === 1, 'the LISTEN connection');
    const before = await listeners();
    await withClient((c) => c.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [before]));
    const other = await PostgresStorage.open({ connectionString: PG_URL, schema });
    storages.push(other);
    await new Queue(other, 'q').add({ n: 1 }); // most likely while the worker is disconnected
    // Budgets far below the worker's 60 s poll, with room for a loaded CI machine.
    await until(() => ran.includes(1), 'the job added during the drop', 10_000);
    await until(async () => (await listeners()).some((pid) => !before.includes(pid)), 'a new LISTEN connection', 10_000);
    const t0 = Date.now();
    await new Queue(other, 'q').add({ n: 2 });
    await until(() => ran.includes(2), 'the job added after the reconnect', 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    await worker.close();
  });

  it('never holds more pool connections than poolSize, with a busy worker and readers at once', async () => {
    const applicationName = `wl-bound-${Date.now()}`;
    const storage = await openFresh({ poolSize: 3, applicationName });
    const q = new Queue(storage, 'q');
    const jobs = await q.addBulk(Array.from({ length: 300 }, (_, i) => ({ payload: { i } })));
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await withClient((c) => c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]));
        most = Math.max(most, r.rows[0].n as number);
        await new Promise((res) => setTimeout(res, 15));
      }
    })();
    const worker = new Worker(q, async () => new Promise((r) => setTimeout(r, 2)), { concurrency: 10, heartbeat: 'main' });
    worker.on('error', () => undefined);
    await Promise.all(jobs.slice(0, 50).map((j) => q.getStatus(j.id)));
    await until(async () => (await q.getStats()).counts.completed === 300, 'the drain', 20_000);
    sampling = false;
    await sampler;
    await worker.close();
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('hosts with skewed clocks agree: times come from the database clock', async () => {
    const real = Date.now.bind(Date);
    /** Runs `fn` as a host whose clock is an hour ahead. */
    const onFastHost = async <T>(fn: () => T | Promise<T>): Promise<T> => {
      const spy = vi.spyOn(Date, 'now').mockImplementation(() => real() + 3_600_000);
      try {
        return await fn();
      } finally {
        spy.mockRestore();
      }
    };
    const ahead = await onFastHost(() => openFresh());
    const onTime = await PostgresStorage.open({ connectionString: PG_URL, schema: schemaOf(ahead) });
    storages.push(onTime);
    const server = await withClient(async (c) => (await c.query('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms')).rows[0].ms as number);
    expect(Math.abs(onTime.clock.now() - server)).toBeLessThan(500);
    const aheadNow = await onFastHost(() => ahead.clock.now());
    expect(Math.abs(aheadNow - onTime.clock.now())).toBeLessThan(500);
    // A job the fast host adds "now" is ready now for a worker on the other host, not in an hour.
    const job = await onFastHost(() => new Queue(ahead, 'q').add({ n: 1 }));
    const worker = new Worker(new Queue(onTime, 'q'), async () => 'ran', { heartbeat: 'main' });
    worker.on('error', () => undefined);
    // Seconds, not an hour: room for the worker's start on a loaded machine.
    await until(async () => (await onTime.getJob({ queue: 'q', id: job.id }))?.state === 'completed', 'the job to run', 10_000);
    await worker.close();
  });

  it('upgrades a version 1 schema, keeping its jobs and queues; old jobs start with 0 stalls', async () => {
    const schema = freshSchema('v1');
    schemas.push(schema);
    await withClient(async (c) => {
      await createSchemaAt(c, schema, 1);
      await c.query(`INSERT INTO "${schema}".queues (name, paused, updated_at) VALUES ('q', true, 0)`);
      await c.query(
        `INSERT INTO "${schema}".jobs (id, queue, name, payload, state, priority, run_at, max_attempts, created_at) VALUES ('old-job', 'q', 'n', '{"kept":true}', 'queued', 3, 0, 1, 0)`,
      );
    });
    const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, migrate: true });
    storages.push(storage);
    expect(await storage.getJob({ queue: 'q', id: 'old-job' })).toMatchObject({ payload: { kept: true }, priority: 3, state: 'queued', stalls: 0 });
    expect(await storage.getQueue('q')).toEqual({ name: 'q', concurrency: null, maxSize: null, paused: true, maxStalls: 1, draining: false });
    const versions = await withClient((c) => c.query(`SELECT version FROM "${schema}".migrations ORDER BY version`));
    expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('a schema upgraded from any older version ends with the same functions as a fresh one', async () => {
    const functionsOf = async (schema: string) => {
      const r = await withClient((c) =>
        c.query(
          `SELECT p.proname, pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY p.proname`,
          [schema],
        ),
      );
      return r.rows.map((row) => [row.proname, String(row.def).replaceAll(`"${schema}"`, 'S').replaceAll(`waitline:${schema}`, 'C').replaceAll(schema, 'S')]);
    };
    const fresh = await openFresh({}, 'fn');
    const expected = await functionsOf(schemaOf(fresh));
    expect(expected.map(([name]) => name)).toEqual([
      'claim',
      'claim_grouped',
      'enqueue',
      'fold_queued_counts',
      'group_head',
      'group_join',
      'group_mark',
      'group_next_token',
      'group_over_waiting',
      'group_served',
      'group_stamp',
      'group_turn',
      'group_wait_lock',
      'queued_counts_apply',
      'queued_counts_truncate',
      'queued_position',
      'settle',
    ]);
    for (let version = 1; version < MIGRATIONS.length; version++) {
      const schema = freshSchema(`up${version}`);
      schemas.push(schema);
      await withClient(async (c) => {
        await createSchemaAt(c, schema, version);
        // A schema written by 0012's, 0013's or 0014's code holds functions with their old
        // signatures: 0013, 0014 and 0015 drop them.
        for (const fn of OLD_SIGNATURES[version] ?? []) await c.query(renderSql(fn, schema));
      });
      const upgraded = await PostgresStorage.open({ connectionString: PG_URL, schema });
      storages.push(upgraded);
      expect(await functionsOf(schema)).toEqual(expected);
      await new Queue(upgraded, 'q').add({ n: version });
    }
    // One fresh schema and one upgrade per migration (18 of them): minutes on a loaded machine.
  }, 120_000);

  it('journals no event while no other storage listens', async () => {
    const storage = await openFresh();
    const q = new Queue(storage, 'q');
    const worker = new Worker(q, async () => 'ok', { heartbeat: 'main' });
    worker.on('error', () => undefined);
    await q.addBulk(Array.from({ length: 20 }, (_, i) => ({ payload: { i } })));
    await until(async () => (await q.getStats()).counts.completed === 20, 'the drain');
    await worker.close();
    const r = await withClient((c) => c.query(`SELECT count(*)::int AS n FROM "${schemaOf(storage)}".events`));
    expect(r.rows[0].n).toBe(0);
  });
});

describe('@waitline/postgres embedded SQL', () => {
  it('src/generated/sql.ts is exactly what scripts/embed-assets.mjs makes of sql/', () => {
    expect(() => execFileSync(process.execPath, ['../../scripts/embed-assets.mjs', '--check'], { cwd: packageDir, stdio: 'pipe' })).not.toThrow();
  });

  it('every statement opens with a header stating its guarantees, its parameters in @param tags', () => {
    // The tags themselves are checked by scripts/embed-assets.mjs (placeholders) and sql-types.test.ts (the server).
    const dir = join(packageDir, 'sql', 'queries');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, `${file} lacks -- Guarantees:`).toContain('-- Guarantees:');
      expect(text, `${file} lists $n parameters in prose`).not.toMatch(/^-- Parameters: \$1/m);
    }
  });
});
