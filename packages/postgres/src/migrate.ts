/**
 * Forward-only migrations from `sql/migrations`, tracked in `<schema>.migrations` and applied
 * under an advisory lock; then the stored functions of `sql/functions`, re-created.
 *
 * The functions (enqueue, claim, settle) are not in the migrations: each has one current
 * definition in `sql/functions`, run with `CREATE OR REPLACE` in the migrations' transaction
 * whenever at least one migration applied. So a change to a function ships with a new migration
 * (even one that only raises the version, with a comment saying why): that is what makes older
 * code refuse the schema, and what makes every schema pick the new definition up once.
 * @module
 */
import { checkSchemaVersion } from '@waitline/core';
import type pg from 'pg';
import { type PgContext, renderSql } from './context.js';
import { FUNCTIONS, MIGRATIONS } from './generated/sql.js';
import { toStorageError } from './errors.js';

/**
 * The schema version this code writes and reads: the number of the last file in
 * `sql/migrations`. A schema holding a higher version was written by newer code.
 */
export const POSTGRES_SCHEMA_VERSION: number = MIGRATIONS.length;

/** The advisory lock's first key: the same for every schema, the second key is the schema's hash. */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('waitline:migrate'), hashtext($1))`;

/** The stored version of a schema: 0 when the schema or its migrations table is missing. @internal */
export async function readSchemaVersion(on: pg.ClientBase | pg.Pool, schema: string): Promise<number> {
  const exists = await on.query('SELECT to_regclass($1) IS NOT NULL AS present', [`"${schema}".migrations`]);
  if (!exists.rows[0].present) return 0;
  const result = await on.query(`SELECT coalesce(max(version), 0)::integer AS version FROM "${schema}".migrations`);
  return result.rows[0].version as number;
}

/** Throws `SchemaVersionError` for a newer schema, and for an older one unless migrating; true when older. */
function checkVersion(found: number, schema: string, migrating: boolean): boolean {
  return checkSchemaVersion({ found, expected: POSTGRES_SCHEMA_VERSION, where: `Postgres schema "${schema}"`, pkg: '@waitline/postgres', migrating });
}

async function applyPending(client: pg.PoolClient, schema: string): Promise<void> {
  // CREATE SCHEMA IF NOT EXISTS checks the database's CREATE privilege first: a schema a DBA made
  // for a role without that privilege would always be refused.
  const present = await client.query('SELECT to_regnamespace($1) IS NOT NULL AS present', [`"${schema}"`]);
  if (!present.rows[0].present) await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const found = await readSchemaVersion(client, schema);
  checkVersion(found, schema, true);
  const pending = MIGRATIONS.filter((m) => m.version > found);
  for (const migration of pending) {
    await client.query(renderSql(migration.sql, schema));
    await client.query(`INSERT INTO "${schema}".migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
  }
  if (pending.length > 0) for (const fn of FUNCTIONS) await client.query(renderSql(fn.sql, schema));
}

/**
 * Applies every migration above the stored version, in order, in one READ COMMITTED transaction that first
 * takes a transaction-level advisory lock keyed by the schema and only then reads the version:
 * several processes migrating at once apply each migration exactly once, a failed migration
 * leaves the schema as it was, and an up-to-date schema is left untouched. Creates the schema
 * when missing. Throws `SchemaVersionError` for a newer schema.
 * @internal
 */
export async function migrateSchema(ctx: PgContext): Promise<void> {
  if ((await readSchemaVersion(ctx.pool, ctx.schema).catch(() => -1)) === POSTGRES_SCHEMA_VERSION) return;
  // READ COMMITTED whatever the database's default: a migration that creates a trigger and then
  // fills a table from the rows it watches (0017) must read them after the trigger's lock, in a
  // snapshot of its own, not one taken at the advisory lock.
  await ctx.transaction('ISOLATION LEVEL READ COMMITTED', async (client) => {
    // A role's statement or lock timeout would fail a process waiting for another's migration (the
    // advisory lock) or a long one (a backfill): this transaction waits and runs as long as it takes.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query('SET LOCAL lock_timeout = 0');
    await client.query(LOCK_SQL, [ctx.schema]);
    await applyPending(client, ctx.schema);
  });
}

/**
 * The check `open()` runs: a newer schema is refused; an older one is migrated when `migrate` is
 * true and refused otherwise. Either refusal is a `SchemaVersionError` and writes nothing.
 * @internal
 */
export async function ensureSchema(ctx: PgContext, migrate: boolean): Promise<void> {
  let found: number;
  try {
    found = await readSchemaVersion(ctx.pool, ctx.schema);
  } catch (err) {
    throw toStorageError(err, ctx.schema);
  }
  if (!checkVersion(found, ctx.schema, migrate)) return;
  await migrateSchema(ctx).catch((err: unknown) => {
    throw toStorageError(err, ctx.schema);
  });
}
