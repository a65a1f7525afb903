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

/** SQLite's result code carried by `err` (`SQLITE_…`), or null for any other error. @internal */
export function sqliteCode(err: unknown): string | null {
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

/**
 * Why a connection cannot write its file, from the SQLite code of the refused write; null when the
 * code is not such a refusal. `SQLITE_CANTOPEN` counts because the file itself is already open: it
 * is the `-wal` or `-shm` file that could not be made (where the directory refuses new files but
 * `access()` says it may write, as for root before an immutable directory).
 */
function unwritableReason(code: string): string | null {
  if (code === 'SQLITE_READONLY_DIRECTORY') return 'is read-only: its directory cannot be written (SQLite creates the -wal and -shm files beside it)';
  if (code.startsWith('SQLITE_READONLY')) {
    return 'is read-only: this process cannot write the file or its -wal or -shm file (file mode, owner, a read-only mount, or a connection opened readonly)';
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot be written: its -wal or -shm file cannot be created or opened beside it (is the directory writable?)';
  return null;
}

/**
 * The error `open` throws when its probe write is refused because the connection cannot write its
 * file (see `unwritableReason`), or null for any other error: a `StorageUnavailableError` naming
 * the file and why, with `path` the option that named the file (`['path']` or `['database']`) and
 * `err` as its cause.
 * @internal
 */
export function unwritableError(err: unknown, path: string, option: 'path' | 'database'): StorageUnavailableError | null {
  const code = sqliteCode(err);
  const reason = code === null ? null : unwritableReason(code);
  if (reason === null) return null;
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(`SQLite database "${path}" ${reason} (${code}: ${detail})`, { path: [option], cause: err });
}

/** How messages name the storage on `path` (a closed one is "<name> is closed"). @internal */
export function storageName(path: string): string {
  return `SQLite storage on "${path}"`;
}
