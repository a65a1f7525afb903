/**
 * The schema-version rule every storage applies when it opens or migrates, in one place.
 * @module
 */
import { SchemaVersionError } from './errors.js';

/** What a storage found and what its code expects, for {@link checkSchemaVersion}. */
export interface SchemaVersionCheck {
  /** The version the storage holds (0 when it holds none yet). */
  found: number;
  /** The version this code writes and reads. */
  expected: number;
  /** What holds the schema, for the message: `SQLite database "/tmp/q.db"`. */
  where: string;
  /** The package whose code this is, for the message: `@waitline/sqlite`. */
  pkg: string;
  /** Whether the caller is about to migrate (then an older schema is fine). */
  migrating: boolean;
}

/**
 * Throws `SchemaVersionError` (with `found` and `expected`) when the schema is newer than the
 * code, and when it is older and the caller is not migrating; both before anything is written.
 * Otherwise returns whether the schema is older than the code (so migrations are due).
 */
export function checkSchemaVersion(check: SchemaVersionCheck): boolean {
  const { found, expected, where, pkg } = check;
  if (found > expected) {
    throw new SchemaVersionError(`${where} has schema version ${found}, newer than this ${pkg} (${expected}); upgrade ${pkg} to use it`, found, expected);
  }
  if (found < expected && !check.migrating) {
    throw new SchemaVersionError(
      `${where} has schema version ${found}, older than this ${pkg} (${expected}), and migrate is false; open it with migrate: true (or call migrate()) to upgrade`,
      found,
      expected,
    );
  }
  return found < expected;
}
