/**
 * `@waitline/sqlite`: the embedded Waitline storage on SQLite (better-sqlite3), safe for many
 * processes on one file.
 *
 * ```ts
 * const storage = await SqliteStorage.open({ path: 'jobs.db' });
 * ```
 * @packageDocumentation
 */
export { SqliteStorage } from './sqlite-storage.js';
export type { SqliteStorageOptions } from './connection.js';
export { DEFAULT_BUSY_TIMEOUT_MS } from './connection.js';
export { SQLITE_SCHEMA_VERSION } from './migrate.js';
