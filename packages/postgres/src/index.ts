/**
 * `@waitline/postgres`: Waitline on PostgreSQL (`pg`), for many workers on many hosts sharing
 * one queue, with jobs added inside your own transaction.
 *
 * ```ts
 * const storage = await PostgresStorage.open({ connectionString: process.env.DATABASE_URL });
 * ```
 * @packageDocumentation
 */
export { PostgresStorage, type PostgresTx } from './postgres-storage.js';
export type { PostgresConnectionConfig, PostgresStorageOptions } from './connection.js';
export { DEFAULT_POOL_SIZE, DEFAULT_SCHEMA } from './connection.js';
export { POSTGRES_SCHEMA_VERSION } from './migrate.js';
