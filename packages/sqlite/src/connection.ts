/**
 * Opening a connection: options, their defaults, and the pragmas that make one database file safe
 * for many processes.
 * @module
 */
import { resolve } from 'node:path';
import { parseOptions, storableText, timerMs } from '@waitline/core';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Db } from './context.js';
import { sqliteCode, unwritableError } from './errors.js';

/**
 * How to open a {@link SqliteStorage}: a `path`, or your own better-sqlite3 `database`. Every field
 * but `database` is plain data, so it travels in a descriptor (a `database` travels as its file's path).
 */
export interface SqliteStorageOptions {
  /**
   * The database file, created when missing; a relative path is resolved against the current
   * directory once, at open. `':memory:'` is a private in-memory database: one connection, one
   * process, gone on close (a descriptor of it cannot reopen the same data). A URI (`file:…`) is
   * refused with a `ValidationError` at `['path']`: better-sqlite3 would create a file named so
   * (`./file:…` names such a file). The file, its directory (for the `-wal` and `-shm` files) and
   * those files must be writable: `open` refuses a read-only one. Give this or `database`.
   */
  path?: string | undefined;
  /**
   * Your own open better-sqlite3 `Database` (any copy of better-sqlite3, recognised by its shape):
   * the storage uses it and never closes it, and changes only what a queue needs of it (the file
   * goes to WAL mode); its other settings stay yours. Reopening elsewhere (the heartbeat thread)
   * opens its file by path. Give this or `path`.
   */
  database?: Database.Database | undefined;
  /** Migrate an older schema at open (default true); false makes an older schema an error. */
  migrate?: boolean | undefined;
  /** How long a write waits for another process's write lock before failing (default 5000 ms; 0 to 2^31−1). */
  busyTimeoutMs?: number | undefined;
  /**
   * `NORMAL` (default) is durable against a process crash; in WAL mode a power loss may lose the
   * last transactions but never corrupts. `FULL` syncs every commit.
   */
  synchronous?: 'NORMAL' | 'FULL' | undefined;
}

/** Options with every default applied and the path resolved. @internal */
export interface ResolvedOptions {
  path: string;
  /** The caller's own connection, which the storage uses and never closes; absent when it opens its own. */
  database?: Db | undefined;
  migrate: boolean;
  busyTimeoutMs: number;
  synchronous: 'NORMAL' | 'FULL';
  /** False for `:memory:`: the database lives and dies with this one connection. */
  shared: boolean;
}

/** The busy timeout used when none is given. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** True for an open better-sqlite3 `Database` of any copy of better-sqlite3. */
function isDatabase(value: unknown): value is Db {
  const db = value as { prepare?: unknown; pragma?: unknown; name?: unknown; open?: unknown } | null;
  return (
    typeof db === 'object' &&
    db !== null &&
    typeof db.prepare === 'function' &&
    typeof db.pragma === 'function' &&
    typeof db.name === 'string' &&
    db.open === true
  );
}

/**
 * better-sqlite3 hands the path to SQLite without `SQLITE_OPEN_URI`, so `file::memory:` or
 * `file:jobs.db?mode=ro` would create a file of that name in the current directory, neither in
 * memory nor read-only. URI schemes are case-insensitive, so `FILE:` is refused too.
 */
const URI_PREFIX = /^file:/i;

const pathSchema = storableText(4_096).refine((path) => !URI_PREFIX.test(path), {
  message: "a URI (file:…) is not supported: pass a plain file path or ':memory:' (./file:… for a file really named so)",
});

const optionsSchema = z
  .object({
    path: pathSchema.optional(),
    database: z.custom<Db>(isDatabase, 'database must be an open better-sqlite3 Database').optional(),
    migrate: z.boolean().optional(),
    busyTimeoutMs: timerMs(0).optional(),
    synchronous: z.enum(['NORMAL', 'FULL']).optional(),
  })
  .strict()
  .refine((o) => (o.path === undefined) !== (o.database === undefined), { message: 'give path or database, not both', path: ['path'] });

/**
 * Checks options from code or from a descriptor (untyped data) and applies the defaults: anything
 * but a plain object, an unknown key or a wrong-typed field is a `ValidationError` whose path names
 * the field (`[]` for the options argument itself).
 * @internal
 */
export function resolveOptions(options: SqliteStorageOptions): ResolvedOptions {
  const parsed = parseOptions(optionsSchema, options, 'SQLite storage options', []);
  const { database, migrate = true, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS, synchronous = 'NORMAL' } = parsed;
  const path = database ? (database.memory ? ':memory:' : database.name) : (parsed.path as string);
  const memory = path === ':memory:';
  const resolved: ResolvedOptions = { path: memory ? path : resolve(path), migrate, busyTimeoutMs, synchronous, shared: !memory };
  if (database) resolved.database = database;
  return resolved;
}

/**
 * WAL pages written between automatic checkpoints (SQLite's default is 1,000). A checkpoint copies
 * the WAL's pages into the database file and syncs both files; a queue rewrites the same few pages
 * over and over, so checkpointing ten times less often copies far fewer pages and syncs ten times
 * less: about 15% of a single add's time and 10% of a settle-and-claim on a 2-core VM. The costs:
 * the WAL file grows to about 40 MiB (at 4 KiB pages) and keeps that size (it is reused, not
 * truncated); opening after a crash scans that much WAL; each checkpoint takes longer, inside the
 * commit that triggers it. Durability is unchanged in kind: a committed transaction survives a
 * process crash; with synchronous NORMAL a power loss may lose the transactions since the last
 * checkpoint (now up to ten times as many), never corrupting the file; FULL syncs every commit.
 * @internal
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * The size the WAL file is cut back to (`PRAGMA journal_size_limit`): 64 MiB. Between checkpoints
 * the WAL reaches about 40 MiB ({@link WAL_AUTOCHECKPOINT_PAGES} pages of 4 KiB) and is reused in
 * place, but a reader holding one snapshot keeps checkpoints from passing it, and the WAL grows by
 * everything written meanwhile (99 MiB over 20,000 adds); without a limit SQLite keeps the file at
 * its largest size for good. With it, the first commit after a checkpoint that copied the whole
 * WAL back truncates the file to the limit. 64 MiB sits above the ordinary 40 MiB plus a large
 * batch, so ordinary running never truncates and regrows the file (the reuse the checkpoint
 * interval counts on); only growth past it is given back.
 * @internal
 */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens a connection with Waitline's pragmas: WAL (readers never block the writer, and the writer
 * never blocks readers) checkpointed every {@link WAL_AUTOCHECKPOINT_PAGES} pages and cut back to
 * {@link WAL_SIZE_LIMIT_BYTES}, the given `synchronous`, foreign keys on, and the busy timeout, so
 * a write waits for another process's write lock instead of failing at once. A file (not
 * `:memory:`) this connection cannot write is refused first (see `refuseReadOnly`).
 * @internal
 */
export function openConnection(options: ResolvedOptions): Db {
  if (options.database) {
    if (options.shared) {
      refuseReadOnly(options.database, options.path, 'database');
      setWal(options.database, options.busyTimeoutMs);
    }
    return options.database;
  }
  const db = new Database(options.path, { timeout: options.busyTimeoutMs });
  try {
    if (options.shared) {
      refuseReadOnly(db, options.path, 'path');
      setWal(db, options.busyTimeoutMs);
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    // Both values are whitelisted by resolveOptions: no caller text reaches the pragma.
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Throws `StorageUnavailableError` (path `[option]`, see `unwritableError`) when `db` cannot write
 * its file: a file opened read-only because its mode, owner or mount forbids writing, a connection
 * opened `readonly`, a directory where the `-wal`/`-shm` files cannot be made, or such files that
 * cannot be written. SQLite opens a read-only file without complaint and refuses every write later.
 *
 * The probe rewrites the header's `user_version` with its own value inside `BEGIN IMMEDIATE` and
 * rolls back: nothing is written. `BEGIN IMMEDIATE` alone proves nothing (on a read-only
 * connection SQLite starts a read transaction instead). The busy timeout is 0 meanwhile, so
 * another process holding the write lock never makes `open` wait or fail: SQLite refuses a
 * read-only file before it asks for the lock, so `SQLITE_BUSY` means the file is writable. The
 * app's own connection inside a transaction of its own is not probed (a `BEGIN` would fail).
 */
function refuseReadOnly(db: Db, path: string, option: 'path' | 'database'): void {
  if (db.inTransaction) return;
  const busyTimeoutMs = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      // An integer SQLite just returned, never caller text.
      db.pragma(`user_version = ${Number(db.pragma('user_version', { simple: true }))}`);
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  } catch (err) {
    const refused = unwritableError(err, path, option);
    if (refused) throw refused;
    if (!sqliteCode(err)?.startsWith('SQLITE_BUSY')) throw err;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}

/**
 * Switches the file to WAL. The switch needs a moment of exclusive access; when two connections
 * race for it SQLite may return SQLITE_BUSY at once rather than run the busy handler (waiting
 * could deadlock), so several processes opening one new file retry here within the busy timeout.
 * Once the file is in WAL mode the pragma is a no-op read.
 */
function setWal(db: Db, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode === 'wal') return;
      throw new Error(`could not switch "${db.name}" to WAL (journal_mode is ${String(mode)})`);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
      sleepSync(10);
    }
  }
}

/** Blocks the thread briefly; only used while opening, where the caller waits anyway. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
