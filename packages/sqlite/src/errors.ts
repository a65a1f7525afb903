/**
 * Turns SQLite's transient failures into core's `StorageUnavailableError`, so callers branch on
 * one error type whatever storage they use.
 * @module
 * @internal
 */
import { StorageUnavailableError } from '@waitline/core';

/** Result codes (and their extended forms, e.g. `SQLITE_BUSY_SNAPSHOT`) that mean "try again". */
const TRANSIENT_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED'];

function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * True when `err` is SQLite reporting a lock it could not take within the busy timeout (another
 * connection held the write lock too long).
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
