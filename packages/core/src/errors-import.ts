/**
 * The errors of an import (`importJobs`, `waitline import` and `move`): a file it cannot read, a
 * bad line, a conflict with a stored job, and the abort that wraps them with what was written.
 * @module
 */
import { WaitlineError, type WaitlineErrorCode } from './error-base.js';

/**
 * An import was given a file it cannot read as a whole: no header line first, or a header of a
 * format newer than this code writes (`found` > `supported`). Thrown before anything is written.
 */
export class ImportFormatError extends WaitlineError {
  constructor(
    message: string,
    readonly found: unknown,
    readonly supported: number,
  ) {
    super('IMPORT_FORMAT', message, { path: [1] });
  }
}

/**
 * One line of an import is not valid JSON or not a valid header, queue or job line. `line` is
 * 1-based; `path` is `[line, ...the offending field's path]`, e.g. `[7, 'priority']`.
 */
export class ImportLineError extends WaitlineError {
  constructor(
    readonly line: number,
    message: string,
    fieldPath: ReadonlyArray<string | number> = [],
    options: { cause?: unknown } = {},
  ) {
    super('IMPORT_LINE', `line ${line}: ${message}`, { path: [line, ...fieldPath], cause: options.cause });
  }
}

/** Why an imported job conflicts with a stored one (see {@link ImportConflictError}). */
export interface ImportConflictInfo {
  /** The queue the call wrote to. */
  queue: string;
  /** The imported job's id. */
  jobId: string;
  /** The imported job's index in the storage call's `jobs`. */
  index: number;
  /** `id`: a stored job has the same id; `idempotencyKey`: a stored job of the queue has its key. */
  by: 'id' | 'idempotencyKey';
  /** The stored job's id. */
  existingId: string;
  /** The stored job's state (or the state of the earlier job of the same call it met). */
  existingState: string;
  /**
   * `exists` with `onConflict: 'fail'`; `running` when `'replace'` met a running job (never
   * replaced); `other-queue` when `'replace'` met a job of another queue with the id (an import
   * never removes another queue's job).
   */
  reason: 'exists' | 'running' | 'other-queue';
  /** The stored job's queue, when it is not `queue` (a storage whose ids span its queues). */
  existingQueue?: string;
}

/**
 * An imported job met a stored job with its id (or its idempotency key in the queue) and
 * `onConflict` said `fail`, or it said `replace` but the stored job is running (a running job is
 * never overwritten: its worker holds a lease on it) or belongs to another queue. Nothing of the storage call was written.
 * `path` is `['jobs', index, 'id' | 'idempotencyKey']` of that call.
 */
export class ImportConflictError extends WaitlineError {
  constructor(readonly conflict: ImportConflictInfo) {
    const { queue, jobId, by, existingId, existingState, reason, index, existingQueue } = conflict;
    const what = by === 'id' ? `a stored job has id "${jobId}"` : `stored job "${existingId}" of queue "${queue}" has the same idempotency key`;
    const why =
      reason === 'running'
        ? `; it is ${existingState} and a running job is never replaced`
        : reason === 'other-queue'
          ? `; it belongs to queue "${existingQueue}", and an import never replaces another queue's job`
          : ` (${existingState})`;
    super('IMPORT_CONFLICT', `cannot import job "${jobId}": ${what}${why}; nothing of the batch was written`, { path: ['jobs', index, by] });
  }
}

/** What an import wrote, counted over the whole input. */
export interface ImportSummary {
  /** Queue configuration lines applied. */
  queues: number;
  /** Schedule lines stored (those `onConflict: 'skip'` left to a stored schedule are not counted). */
  schedules: number;
  /** Jobs written (replacements included). */
  jobs: number;
  /** Jobs not written because `onConflict: 'skip'` kept the stored one. */
  skipped: number;
  /** Jobs written over a stored job (`onConflict: 'replace'`). */
  replaced: number;
}

/**
 * An import stopped part-way. Everything counted in `summary` was written, each job whole; nothing
 * of the batch that failed was (no half-imported job). `line` is the 1-based line the failure is
 * about (the bad line, the conflicting job's line, or the first line of a batch the storage
 * refused); `cause` is the typed error (`ImportLineError`, `ImportConflictError`, a storage
 * error); `reason` is its code; `path` is `[line, ...]` of the offending value.
 */
export class ImportAbortedError extends WaitlineError {
  constructor(
    readonly line: number,
    readonly summary: ImportSummary,
    readonly reason: WaitlineErrorCode | 'UNKNOWN',
    cause: unknown,
    path: ReadonlyArray<string | number>,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const done = `${summary.jobs} job(s) and ${summary.queues} queue configuration(s) were imported before it, each whole`;
    super('IMPORT_ABORTED', `import stopped at line ${line}: ${detail}; ${done}`, { path, cause });
  }
}
