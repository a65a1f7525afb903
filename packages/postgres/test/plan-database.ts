/**
 * A database of the test process's own for the tests that check query plans.
 *
 * Those tests VACUUM a table and expect index-only scans, which the planner picks only when
 * VACUUM could mark the table's pages all-visible. It cannot while a session of the same
 * database holds a snapshot older than the rows (another test file's open transaction in the
 * shared `test` database, a REPEATABLE READ transaction left open in psql): the horizon stays
 * behind it, an index-only scan then costs as much as heap fetches, and the plan turns into a
 * bitmap scan. Sessions of other databases do not hold a database's horizon back, so the plan
 * tests keep their schemas in a database of their own on the test server, created at first use
 * and dropped `WITH (FORCE)` after the tests of the file (or describe block) that asked for it.
 * The test server's user needs CREATEDB (the local `test` setup uses a superuser).
 * @internal
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll } from 'vitest';
import { PostgresStorage, type PostgresStorageOptions } from '../dist/index.js';
import { freshSchema } from './harness.js';
import { PG_URL, withClient } from './server.js';

/** Storage options a plan test may set: the database and the schema are the helper's. */
export type PlanStorageOptions = Omit<PostgresStorageOptions, 'connectionString' | 'connection' | 'pool' | 'schema'>;

/** A storage opened in the plan database, with its schema. */
export interface PlanStorage {
  /** The storage; closed before the database is dropped. */
  storage: PostgresStorage;
  /** Its schema (a fresh one). */
  schema: string;
}

/** The private database of one test file (or describe block): see the module comment. */
export interface PlanDatabase {
  /** Its name on the test server. */
  readonly name: string;
  /** Its connection string (the test server's, with the database replaced). */
  readonly url: string;
  /** Opens a storage in a fresh schema of it, creating the database at the first call. */
  open(options?: PlanStorageOptions, tag?: string): Promise<PlanStorage>;
  /**
   * Runs `fn` with a short-lived client of it, creating the database at the first call. When `fn`
   * throws (a plan assertion failed), the client first reports on stderr how much of each table
   * is all-visible and which sessions of the database hold its horizon back.
   */
  withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
}

/**
 * What a failed plan test leaves on stderr: how much of each table VACUUM marked all-visible, and
 * the sessions of the database that hold a snapshot or a transaction id (the horizon's keepers).
 */
async function reportVisibility(client: pg.Client): Promise<void> {
  try {
    const tables = await client.query(`SELECT c.oid::regclass::text AS "table", c.relpages, c.relallvisible
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relpages > 0 AND n.nspname LIKE 'wl\\_%'`);
    const holders = await client.query(`SELECT pid, state, backend_xmin, backend_xid, application_name, left(query, 60) AS query
      FROM pg_stat_activity WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND pid <> pg_backend_pid() AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)`);
    console.error(`plan database ${client.database}: tables ${JSON.stringify(tables.rows)}; snapshot holders ${JSON.stringify(holders.rows)}`);
  } catch (err) {
    console.error(`plan database ${client.database}: no visibility report (${String(err)})`);
  }
}

/** The test server's URL with database `name` in place of its own. */
function urlOf(name: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A plan database for the calling file or describe block: call it at the top of the block (it
 * registers an `afterAll` there). Nothing is created until a test opens a storage or a client
 * in it, so skipped tests cost nothing; when the server is missing (under `CI=true`) the first
 * use fails with the connection error.
 */
export function usePlanDatabase(): PlanDatabase {
  const name = `wl_plans_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = urlOf(name);
  const storages: PostgresStorage[] = [];
  let created: Promise<void> | undefined;
  let exists = false;
  const ensure = (): Promise<void> => {
    created ??= withClient(async (c) => {
      // template0 takes no connections, so a session on template1 cannot make the copy fail.
      await c.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
      exists = true;
    });
    return created;
  };

  afterAll(async () => {
    await Promise.allSettled(storages.map((s) => s.close()));
    if (exists) await withClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  return {
    name,
    url,
    open: async (options = {}, tag = 'plan') => {
      await ensure();
      const schema = freshSchema(tag);
      const storage = await PostgresStorage.open({ ...options, connectionString: url, schema });
      storages.push(storage);
      return { storage, schema };
    },
    withClient: async (fn) => {
      await ensure();
      return withClient(async (client) => {
        try {
          return await fn(client);
        } catch (err) {
          await reportVisibility(client);
          throw err;
        }
      }, url);
    },
  };
}
