/**
 * The base of every Waitline error: its stable codes, and the class every error extends (kept
 * apart from the errors themselves, so each module of errors can extend it without a cycle).
 * @module
 */

/** The stable machine-readable codes carried by {@link WaitlineError.code}. */
export type WaitlineErrorCode =
  | 'VALIDATION'
  | 'QUEUE_FULL'
  | 'GROUP_FULL'
  | 'QUEUE_DRAINING'
  | 'JOB_NOT_FOUND'
  | 'LEASE_LOST'
  | 'INVALID_TRANSITION'
  | 'SCHEMA_VERSION'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_RESET'
  | 'JOB_CANCELLED'
  | 'JOB_TIMEOUT'
  | 'WORKER_CLOSING'
  | 'JOB_FAILED'
  | 'PERMANENT_JOB_ERROR'
  | 'WAIT_TIMEOUT'
  | 'SETTLE_REJECTED'
  | 'RETRY_POLICY'
  | 'HEARTBEAT_FALLBACK'
  | 'IMPORT_FORMAT'
  | 'IMPORT_LINE'
  | 'IMPORT_CONFLICT'
  | 'IMPORT_ABORTED'
  | 'WEBHOOK_DELIVERY';

/** Options shared by every Waitline error constructor. */
export interface WaitlineErrorOptions {
  /** Where in the input the offending value sits, e.g. `['payload', 'meetingId']`. */
  path?: ReadonlyArray<string | number>;
  /** The underlying error, kept for logs and `error.cause` chains. */
  cause?: unknown;
}

/**
 * Base class of every error Waitline raises. `code` is stable across versions; `path` names the
 * offending value for input problems; `cause` keeps the underlying error.
 */
export class WaitlineError extends Error {
  /** Stable code to branch on. */
  readonly code: WaitlineErrorCode;
  /** Path of the offending value inside the input, empty when the error is not about an input. */
  readonly path: ReadonlyArray<string | number>;

  constructor(code: WaitlineErrorCode, message: string, options: WaitlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = options.path ?? [];
  }
}
