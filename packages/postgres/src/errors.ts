/**
 * Turns Postgres's transient failures (lost connections, server shutting down or full, lock and
 * serialization conflicts) into core's `StorageUnavailableError`, and a duplicate job id into a
 * `ValidationError`, so callers branch on one error type whatever storage they use.
 * @module
 * @internal
 */
import { StorageUnavailableError, ValidationError, WaitlineError } from '@waitline/core';

/** SQLSTATE classes and codes that mean "try again". */
const TRANSIENT_CLASSES = ['08', '53', '57']; // connection exception, insufficient resources, operator intervention
const TRANSIENT_CODES = ['40001', '40P01', '55P03']; // serialization failure, deadlock, lock not available
/** Node socket errors and pg's own messages for a connection that went away. */
const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];
const NETWORK_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** True when `err` is a failure worth retrying (see the module comment). @internal */
export function isTransientPgError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || err instanceof WaitlineError) return false;
  const code = codeOf(err);
  if (code !== null && code.length === 5 && TRANSIENT_CLASSES.includes(code.slice(0, 2))) return true;
  if (code !== null && (TRANSIENT_CODES.includes(code) || NETWORK_CODES.includes(code))) return true;
  const message = err instanceof Error ? err.message : '';
  return NETWORK_MESSAGES.some((m) => message.includes(m));
}

/** A duplicate job id (unique violation on jobs_pkey) as a `ValidationError`, or null. */
function duplicateId(err: unknown): ValidationError | null {
  const e = err as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (e?.code !== '23505' || e.constraint !== 'jobs_pkey') return null;
  const id = /\(id\)=\((.*)\)/.exec(String(e.detail ?? ''))?.[1] ?? '?';
  const message = `a job with id "${id}" already exists`;
  return new ValidationError(message, [{ path: ['id'], message }], { cause: err });
}

/**
 * True when the server refused the connection's user or database: a wrong password or no such
 * role (SQLSTATE class 28), no such database (3D000). Not transient, but the storage cannot be
 * used until the connection string is fixed. @internal
 */
export function isAccessPgError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== null && (code.startsWith('28') || code === '3D000');
}

/**
 * Returns the error to throw for `err`: a `StorageUnavailableError` (cause kept) for a transient
 * failure or a refused user or database (saying what to check), a `ValidationError` for a
 * duplicate id, `err` itself otherwise.
 * @internal
 */
export function toStorageError(err: unknown, schema: string): unknown {
  const dup = duplicateId(err);
  if (dup) return dup;
  const access = isAccessPgError(err);
  if (!access && !isTransientPgError(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const hint = access ? " (check the connection string's user, password and database)" : '';
  return new StorageUnavailableError(`Postgres storage (schema "${schema}") is unavailable: ${detail}${hint}`, { cause: err });
}

/** How messages name the storage on `schema` (a closed one is "<name> is closed"). @internal */
export function storageName(schema: string): string {
  return `Postgres storage (schema "${schema}")`;
}
