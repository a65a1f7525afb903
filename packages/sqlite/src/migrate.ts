/**
 * Forward-only migrations from `sql/migrations`, tracked in `PRAGMA user_version`.
 * @module
 */
import { checkSchemaVersion } from '@waitline/core';
import type { Db } from './context.js';
import { MIGRATIONS } from './generated/sql.js';

/**
 * The schema version this code writes and reads: the number of the last file in
 * `sql/migrations`. A database holding a higher version was written by newer code.
 */
export const SQLITE_SCHEMA_VERSION: number = MIGRATIONS.length;

/** The schema version a database holds (0 for a new file). @internal */
export function readSchemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws `SchemaVersionError` for a newer schema, and for an older one unless migrating; true when older. */
function checkVersion(found: number, path: string, migrating: boolean): boolean {
  return checkSchemaVersion({ found, expected: SQLITE_SCHEMA_VERSION, where: `SQLite database "${path}"`, pkg: '@waitline/sqlite', migrating });
}

/**
 * Applies every migration above the stored version, in order, in one `BEGIN IMMEDIATE`
 * transaction that re-reads the version after taking the write lock: two processes migrating at
 * once apply each migration exactly once, a failed migration leaves the database as it was, and
 * migrating an up-to-date database writes nothing. Throws `SchemaVersionError` for a newer schema.
 * @internal
 */
export function migrateDatabase(db: Db, path: string): void {
  if (readSchemaVersion(db) === SQLITE_SCHEMA_VERSION) return;
  db.transaction(() => {
    const found = readSchemaVersion(db);
    checkVersion(found, path, true);
    for (const migration of MIGRATIONS) {
      if (migration.version <= found) continue;
      db.exec(migration.sql);
      // An integer from generated code, never caller text.
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}

/**
 * The check `open()` runs: a newer schema is refused; an older one is migrated when `migrate` is
 * true and refused otherwise. Either refusal is a `SchemaVersionError` and writes nothing.
 * @internal
 */
export function ensureSchema(db: Db, path: string, migrate: boolean): void {
  if (!checkVersion(readSchemaVersion(db), path, migrate)) return;
  migrateDatabase(db, path);
}
