/**
 * The Postgres floor: plain `pg` doing the minimal statements a queue needs, one job at a time,
 * on one table with a (status, id) index in the place's schema: add = one INSERT … RETURNING id;
 * claim = UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING; complete =
 * UPDATE. Named (prepared) statements; concurrency N = N loops on one pool of N + 1 connections.
 * Bulk = one multi-row INSERT per chunk. Idle loops are woken in-process by the insert (plus a
 * 50 ms safety poll), the cheapest possible hand-off, so S5 here is a lower bound, not a peer.
 */
import pg from 'pg';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

interface Statements {
  insert: string;
  insertMany: string;
  claim: string;
  complete: string;
}

function statements(schema: string): Statements {
  const t = `"${schema}".jobs`;
  return {
    insert: `INSERT INTO ${t} (payload) VALUES ($1) RETURNING id`,
    insertMany: `INSERT INTO ${t} (payload) SELECT p FROM unnest($1::jsonb[]) WITH ORDINALITY AS u(p, k) ORDER BY k RETURNING id`,
    claim: `UPDATE ${t} SET status = 1 WHERE id = (SELECT id FROM ${t} WHERE status = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, payload`,
    complete: `UPDATE ${t} SET status = 2 WHERE id = $1`,
  };
}

export const createRawPg: SystemFactory = () => {
  let pool: pg.Pool | undefined;
  let sql: Statements | undefined;
  let connectionString = '';
  const waiters = new Set<() => void>();

  const wake = (): void => {
    for (const w of waiters) w();
    waiters.clear();
  };
  const p = (): { pool: pg.Pool; sql: Statements } => {
    if (!pool || !sql) throw new Error('raw pg: setup() not called');
    return { pool, sql };
  };
  const idle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        waiters.delete(done);
        resolve();
      }, 50);
      waiters.add(done);
    });

  const system: BenchSystem = {
    id: 'raw-pg',
    name: 'raw pg',
    family: 'postgres',
    bulk: 'native',
    notes: [
      'one table (id bigserial, status smallint, payload jsonb) + (status, id) index; named statements',
      'add = INSERT … RETURNING id; claim = UPDATE … (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING; complete = UPDATE',
      'bulk = one INSERT … SELECT unnest($1::jsonb[]) per chunk; N loops on a pg.Pool of max N + 1',
      'idle loops woken in-process by the insert (safety poll 50 ms)',
    ],

    async setup(place: Place) {
      const pl = placeOf(place, 'postgres');
      connectionString = pl.connectionString;
      sql = statements(pl.schema);
      const c = new pg.Client({ connectionString });
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${pl.schema}";
        CREATE TABLE "${pl.schema}".jobs (id bigserial PRIMARY KEY, status smallint NOT NULL DEFAULT 0, payload jsonb NOT NULL);
        CREATE INDEX ON "${pl.schema}".jobs (status, id);`);
      await c.end();
      pool = new pg.Pool({ connectionString, max: 2 });
    },

    async addOne(payload: Payload): Promise<JobRef> {
      const { pool, sql } = p();
      const r = await pool.query({ name: 'insert', text: sql.insert, values: [JSON.stringify(payload)] });
      wake();
      return String(r.rows[0].id);
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const { pool, sql } = p();
      const values = [payloads.map((x) => JSON.stringify(x))];
      const r = await pool.query({ name: 'insert-many', text: sql.insertMany, values });
      wake();
      return r.rows.map((row: { id: string }) => String(row.id));
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const { sql } = p();
      const workers = new pg.Pool({ connectionString, max: concurrency + 1 });
      let running = true;
      const loop = async (): Promise<void> => {
        while (running) {
          const r = await workers.query({ name: 'claim', text: sql.claim });
          const row = r.rows[0] as { id: string; payload: Payload } | undefined;
          if (!row) {
            await idle();
            continue;
          }
          await handler();
          await workers.query({ name: 'complete', text: sql.complete, values: [row.id] });
          onCompleted();
        }
      };
      const loops = Array.from({ length: concurrency }, loop);
      return {
        async stop() {
          running = false;
          wake();
          await Promise.all(loops);
          await workers.end();
        },
      };
    },

    async teardown() {
      await pool?.end();
      pool = undefined;
      sql = undefined;
    },
  };
  return system;
};
