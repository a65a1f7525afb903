/**
 * Turns SQLite's transient failures into core's `StorageUnavailableError`, so callers branch on
 * one error type whatever storage they use.
 * @module
 * @internal
 */
import { StorageUnavailableError } from '@waitline/core';

/**
 * Result codes (and their extended forms, e.g. `SQLITE_BUSY_SNAPSHOT`, `SQLITE_IOERR_WRITE`) that
 * mean the file cannot be used right now, not that the call was wrong: a lock held too long, a full
 * disk, an I/O error, a file or directory that cannot be written or opened. Each refuses the whole
 * statement (nothing half-written), and a settle refused this way must wait and try again, never
 * be taken for a refused outcome: a disk full for a moment made completed jobs `failed`.
 */
const TRANSIENT_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN'];

function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * True when `err` is SQLite reporting that the file cannot be used right now (see
 * `TRANSIENT_PREFIXES`): a lock not taken within the busy timeout, a full disk, an I/O error, a
 * read-only or unopenable file.
 * @internal
 */
export function isTransientSqliteError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && TRANSIENT_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/**
 * Returns the error to throw for `err`: a `StorageUnavailableError` (with `err` as its cause) for
 * a transient SQLite failure, `err` itself otherwise.
 * @internal
 */
export function toStorageError(err: unknown, path: string): unknown {
  if (!isTransientSqliteError(err)) return err;
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(`SQLite database "${path}" is unavailable (${code}): ${detail}`, {
    cause: err,
  });
}

/** How messages name the storage on `path` (a closed one is "<name> is closed"). @internal */
export function storageName(path: string): string {
  return `SQLite storage on "${path}"`;
}
