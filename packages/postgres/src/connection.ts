/**
 * Options, their defaults and checks, the schema name rules, and the pool.
 * @module
 */
import { MAX_TIMER_MS, parseOptions, storableText, ValidationError } from '@waitline/core';
import pg from 'pg';
import { z } from 'zod';

/** Plain connection settings, as `pg` takes them; everything here travels in a descriptor. */
export interface PostgresConnectionConfig {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | Record<string, unknown>;
  /**
   * How long a new connection may take before it fails (default 10 000 ms; 0 waits forever): a
   * server or pooler that accepts connections and never answers is a `StorageUnavailableError`,
   * not a hang.
   */
  connectionTimeoutMillis?: number;
  /** TCP keepalive on every connection (default true), so a connection the network dropped is noticed. */
  keepAlive?: boolean;
}

/** The connect timeout of every connection of ours, unless the connection settings give one. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** How to open a {@link PostgresStorage}. Give `connectionString`, `connection` or `pool`. */
export interface PostgresStorageOptions {
  /** A `postgres://` URL; the storage creates and owns its pool. */
  connectionString?: string | undefined;
  /** Connection settings as plain data (host, port, user, ...); the storage owns its pool. */
  connection?: PostgresConnectionConfig | undefined;
  /**
   * Your own `pg.Pool`: the storage uses it and never ends it. Its settings (`pool.options`) are
   * what other threads and processes reopen the storage with, so they must be plain data.
   */
  pool?: pg.Pool | undefined;
  /**
   * The schema holding Waitline's tables (default `'waitline'`): letters, digits and `_`, not
   * starting with a digit, at most 40 characters. Always quoted, so case is kept.
   */
  schema?: string | undefined;
  /** Most connections in the pool the storage creates (default 10); LISTEN uses one more. */
  poolSize?: number | undefined;
  /** Migrate an older schema at open (default true); false makes an older schema an error. */
  migrate?: boolean | undefined;
  /** `application_name` of the storage's own connections (default `'waitline'`). */
  applicationName?: string | undefined;
  /**
   * How a worker's settle (its jobs' outcomes, with the claim of the next ones) commits.
   * `'sync'` (default) waits for the server's `synchronous_commit` setting, as every other write
   * does. `'async'` commits that one transaction with `synchronous_commit = off`: it returns
   * before its WAL is on disk, which roughly doubles the drain rate on a disk that syncs slowly.
   * The price: a server crash (not a clean stop) can undo the settles of its last fraction of a
   * second (about 3 × `wal_writer_delay`), so those jobs run again, as at-least-once delivery
   * allows; a job's run is never lost and never half-written. Adds, cancels and every other call
   * stay synchronous. Takes effect for the worker processes too (it is part of the descriptor).
   */
  settleCommit?: 'sync' | 'async' | undefined;
}

/** Options with defaults applied. @internal */
export interface ResolvedOptions {
  connection: PostgresConnectionConfig;
  schema: string;
  poolSize: number;
  migrate: boolean;
  applicationName: string;
  settleCommit: 'sync' | 'async';
}

/** The schema used when none is given. */
export const DEFAULT_SCHEMA = 'waitline';
/** The pool size used when none is given. */
export const DEFAULT_POOL_SIZE = 10;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: [path], message }]);
}

/** Throws a `ValidationError` (path `schema`) unless `schema` follows the naming rule. @internal */
export function checkSchemaName(schema: unknown): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw invalid('schema', `schema must be 1-40 letters, digits or _, not starting with a digit, got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** The identifier as SQL text: double-quoted (the name rule admits no quote to escape). @internal */
export function quoteIdent(name: string): string {
  return `"${checkSchemaName(name)}"`;
}

/** The plain settings of a pool the caller gave, for descriptors. */
function configOfPool(pool: pg.Pool): PostgresConnectionConfig {
  const o = (pool as unknown as { options: Record<string, unknown> }).options;
  const config: PostgresConnectionConfig = {};
  for (const key of ['connectionString', 'host', 'port', 'user', 'password', 'database', 'ssl', 'connectionTimeoutMillis', 'keepAlive'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') (config as Record<string, unknown>)[key] = o[key];
  }
  return config;
}

/** The one connection source given (checked for type by the schema below). */
function connectionOf(options: PostgresStorageOptions): PostgresConnectionConfig {
  const given = [options.connectionString, options.connection, options.pool].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw invalid('connectionString', 'give exactly one of connectionString, connection or pool');
  }
  if (options.pool !== undefined) return configOfPool(options.pool);
  if (options.connection !== undefined) return { ...options.connection };
  return { connectionString: options.connectionString as string };
}

const connectionSchema = z
  .object({
    connectionString: storableText(4_096).optional(),
    host: storableText(1_024).optional(),
    port: z.union([z.number().int().min(1).max(65_535), z.string().regex(/^\d{1,5}$/)]).optional(),
    user: storableText(1_024).optional(),
    password: storableText(4_096, 0).optional(),
    database: storableText(1_024).optional(),
    ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    connectionTimeoutMillis: z.number().int().min(0).max(MAX_TIMER_MS).optional(),
    keepAlive: z.boolean().optional(),
  })
  .strict();

const poolSchema = z.custom<pg.Pool>((v) => {
  const p = v as { connect?: unknown; query?: unknown; options?: unknown } | null;
  return typeof p === 'object' && p !== null && typeof p.connect === 'function' && typeof p.query === 'function' && typeof p.options === 'object';
}, 'pool must be a pg.Pool');

const optionsSchema = z
  .object({
    connectionString: storableText(4_096).optional(),
    connection: connectionSchema.optional(),
    pool: poolSchema.optional(),
    schema: z.string().regex(SCHEMA_NAME, 'schema must be 1-40 letters, digits or _, not starting with a digit').optional(),
    poolSize: z.number().int().min(1).max(1_000).optional(),
    migrate: z.boolean().optional(),
    applicationName: storableText(200, 0).optional(),
    settleCommit: z.enum(['sync', 'async']).optional(),
  })
  .strict();

/**
 * Checks options from code or from a descriptor (untyped data) and applies the defaults: anything
 * but a plain object, an unknown key or a wrong-typed field is a `ValidationError` whose path names
 * the field (`[]` for the options argument itself).
 * @internal
 */
export function resolveOptions(options: PostgresStorageOptions): ResolvedOptions {
  const parsed = parseOptions(optionsSchema, options, 'Postgres storage options', []) as PostgresStorageOptions;
  const { schema = DEFAULT_SCHEMA, poolSize = DEFAULT_POOL_SIZE, migrate = true, applicationName = 'waitline', settleCommit = 'sync' } = parsed;
  return { connection: connectionOf(parsed), schema, poolSize, migrate, applicationName, settleCommit };
}

/** A client config for one connection of ours (the pool's or LISTEN's). @internal */
export function clientConfig(o: ResolvedOptions): pg.ClientConfig {
  return { connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS, keepAlive: true, ...o.connection, application_name: o.applicationName } as pg.ClientConfig;
}

/** The pool the storage owns, with an error handler so an idle client's failure never crashes the process. @internal */
export function createPool(o: ResolvedOptions): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(o), max: o.poolSize, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {
    // An idle client lost its server: the pool drops it and the next query opens another.
  });
  return pool;
}
