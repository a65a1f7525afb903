/**
 * Every error Waitline raises is a {@link WaitlineError} with a stable `code`, so callers branch on
 * `err.code` (or `instanceof` a subclass) and never on message text.
 * @module
 */

import { WaitlineError, type WaitlineErrorCode, type WaitlineErrorOptions } from './error-base.js';

export { type WaitlineErrorCode, type WaitlineErrorOptions, WaitlineError } from './error-base.js';

/** A single problem found while validating an input, with the path of the offending value. */
export interface ValidationIssue {
  path: ReadonlyArray<string | number>;
  message: string;
}

/**
 * An input (payload, job option, queue or worker option, id) was rejected before anything was
 * written. `issues` lists every problem found; `path` is the first one's path.
 */
export class ValidationError extends WaitlineError {
  /** Every problem found, each with its own path. */
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[], options: WaitlineErrorOptions = {}) {
    super('VALIDATION', message, { path: options.path ?? issues[0]?.path ?? [], cause: options.cause });
    this.issues = issues;
  }
}

/**
 * What a refusal for room refused: an add (`add`), an entry of `addBulk` (`bulk`), or a retry by
 * hand (`retry`), which puts a finished job back among the waiting ones and so counts as an add.
 */
export type AdmissionSource = 'add' | 'bulk' | 'retry';

/** How a refusal names what would have taken the queue or group past its cap. */
function admissionWhat(source: AdmissionSource): string {
  return source === 'retry' ? 'retrying the job' : 'the add';
}

/**
 * An add, or a retry by hand, would take the queue past its `maxSize`; nothing was written. From a
 * retry its `path` is `['id']` (the job that would not fit).
 */
export class QueueFullError extends WaitlineError {
  constructor(
    readonly queue: string,
    readonly maxSize: number,
    source: AdmissionSource = 'add',
  ) {
    super('QUEUE_FULL', `queue "${queue}" is full: ${admissionWhat(source)} would take it past its maxSize of ${maxSize} waiting jobs; nothing was written`, {
      path: source === 'retry' ? ['id'] : [],
    });
  }
}

/**
 * An add, or a retry by hand, would take a group past the queue's `groupMaxWaiting` (its queued
 * jobs, ready or scheduled, at every priority level); nothing was written, the other groups' jobs
 * of the same batch included. `index` is the offending job's place in the batch (0 for a single
 * add or a retry); `path` is `['options', 'group']`, `['jobs', index, 'options', 'group']` from
 * `addBulk`, or `['id']` from a retry.
 */
export class GroupFullError extends WaitlineError {
  constructor(
    readonly queue: string,
    readonly group: string,
    readonly maxWaiting: number,
    readonly index = 0,
    source: AdmissionSource = 'add',
  ) {
    super(
      'GROUP_FULL',
      `group "${group}" of queue "${queue}" is full: ${admissionWhat(source)} would take it past its groupMaxWaiting of ${maxWaiting} waiting jobs; nothing was written`,
      { path: groupFullPath(source, index) },
    );
  }

  /** The same refusal with the path of an `addBulk` entry: `['jobs', index, 'options', 'group']`. */
  inBulk(): GroupFullError {
    return new GroupFullError(this.queue, this.group, this.maxWaiting, this.index, 'bulk');
  }
}

function groupFullPath(source: AdmissionSource, index: number): Array<string | number> {
  if (source === 'retry') return ['id'];
  return source === 'bulk' ? ['jobs', index, 'options', 'group'] : ['options', 'group'];
}

/**
 * An add (`add`, `addBulk`, with or without `tx`) or a retry by hand was refused because the
 * queue is draining (`queue.drain()` was called and `queue.resume()` not yet). The storage checks
 * the flag in the same atomic step that writes, so nothing was written. A paused queue takes adds;
 * only draining refuses them.
 */
export class QueueDrainingError extends WaitlineError {
  constructor(readonly queue: string) {
    super('QUEUE_DRAINING', `queue "${queue}" is draining: it takes no new jobs until resume(); nothing was written`);
  }
}

/** No job with this id exists (it was never added, or it was removed). */
export class JobNotFoundError extends WaitlineError {
  constructor(readonly jobId: string) {
    super('JOB_NOT_FOUND', `no job with id "${jobId}"`, { path: ['id'] });
  }
}

/**
 * A worker tried to settle, renew or report progress on a job it no longer owns (its lease
 * expired and the job was reclaimed, or it was cancelled). Nothing was written.
 */
export class LeaseLostError extends WaitlineError {
  constructor(readonly jobId: string) {
    super('LEASE_LOST', `the lease on job "${jobId}" is no longer held by this worker; nothing was written`);
  }
}

/** The job's current state does not allow the requested transition; nothing was written. */
export class InvalidTransitionError extends WaitlineError {
  constructor(
    readonly jobId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super('INVALID_TRANSITION', `job "${jobId}" is ${from} and cannot become ${to}`);
  }
}

/** The database holds a schema this code does not know (newer), or one it was told not to migrate. */
export class SchemaVersionError extends WaitlineError {
  constructor(
    message: string,
    readonly found: number,
    readonly expected: number,
  ) {
    super('SCHEMA_VERSION', message);
  }
}

/** The storage could not be reached or answered with a transient failure (busy, dropped connection). */
export class StorageUnavailableError extends WaitlineError {
  constructor(message: string, options: WaitlineErrorOptions = {}) {
    super('STORAGE_UNAVAILABLE', message, options);
  }
}

/**
 * The storage lost its data since this process last looked: a Redis restart without persistence,
 * a `FLUSHALL`/`FLUSHDB`, or eviction of Waitline's keys. Jobs, queue configuration and worker
 * registrations written before it are gone. It is reported (a worker's `error` event, the storage's
 * logger), never thrown by a call: by then the storage has written its schema again, and every live
 * `Queue` its configuration from its options.
 */
export class StorageResetError extends WaitlineError {
  constructor(message: string, options: WaitlineErrorOptions = {}) {
    super('STORAGE_RESET', message, options);
  }
}

/**
 * Thrown by a handler to fail the job at once, skipping any attempts it has left. The job goes
 * straight to `failed` (the dead-letter set).
 */
export class PermanentJobError extends WaitlineError {
  constructor(message: string, options: WaitlineErrorOptions = {}) {
    super('PERMANENT_JOB_ERROR', message, options);
  }
}

/** Why a handler's `AbortSignal` was aborted: its `reason` is always one of these. */
export type AbortKind = 'cancelled' | 'timeout' | 'shutdown' | 'lease-lost';

/** The `reason` of an aborted handler signal: a typed error saying why the handler must stop. */
export class JobAbortedError extends WaitlineError {
  constructor(
    readonly kind: AbortKind,
    readonly jobId: string,
    message: string,
  ) {
    super(abortCode(kind), message);
  }
}

function abortCode(kind: AbortKind): WaitlineErrorCode {
  if (kind === 'cancelled') return 'JOB_CANCELLED';
  if (kind === 'timeout') return 'JOB_TIMEOUT';
  if (kind === 'lease-lost') return 'LEASE_LOST';
  return 'WORKER_CLOSING';
}

/** `job.finished()` rejects with this when the job ends `failed` or `cancelled`. */
export class JobFailedError extends WaitlineError {
  constructor(
    readonly jobId: string,
    readonly finalState: 'failed' | 'cancelled',
    message: string,
  ) {
    super(finalState === 'cancelled' ? 'JOB_CANCELLED' : 'JOB_FAILED', message);
  }
}

/**
 * The storage refused, for a reason that is not transient, to record how one job's attempt
 * ended (a value it cannot hold, a constraint, a bug). The worker does not stop over it: the job
 * is failed with this error's code in its record (no retry), or, when even that is refused, left
 * for the lease sweep. `cause` is what the storage threw.
 */
export class SettleRejectedError extends WaitlineError {
  constructor(
    readonly jobId: string,
    message: string,
    options: WaitlineErrorOptions = {},
  ) {
    super('SETTLE_REJECTED', message, options);
  }
}

/**
 * A failed attempt could not be given a retry time by its backoff: the job's stored backoff is
 * `custom` but the worker's queue has no custom function (the function lives in code, in the
 * `Queue` options of each process), or the custom function threw or returned something other
 * than a number of ms or null. The job is failed (not retried) with this error recorded; its
 * message names the handler's error, which is kept as `cause`.
 */
export class RetryPolicyError extends WaitlineError {
  constructor(message: string, options: WaitlineErrorOptions = {}) {
    super('RETRY_POLICY', message, options);
  }
}

/**
 * One attempt to deliver a webhook did not succeed: the receiver answered a status other than 2xx
 * (`status`), or could not be reached or did not answer within the timeout (`status` null). The
 * delivery job's attempt fails with it and is retried while attempts are left.
 */
export class WebhookDeliveryError extends WaitlineError {
  constructor(
    message: string,
    /** The HTTP status the receiver answered, or null when there was no answer. */
    readonly status: number | null,
    options: WaitlineErrorOptions = {},
  ) {
    super('WEBHOOK_DELIVERY', message, options);
  }
}

/** True when `err` is a transient storage failure worth retrying. */
export function isTransientStorageError(err: unknown): err is StorageUnavailableError {
  return err instanceof StorageUnavailableError;
}

export * from './errors-import.js';

/**
 * Reported (never thrown) when a worker asked to renew its leases from a heartbeat thread cannot
 * start one, most often because the app was bundled into one file and the thread's script
 * (`heartbeat/thread.js` of `@waitline/core`) is not next to the bundle. The worker renews from
 * its main thread instead and goes on working; a handler that blocks the event loop for longer
 * than the lease can then lose its job to another worker. Ship the script beside the bundle, or
 * set `heartbeat: 'main'` to choose main-thread renewal and silence this.
 */
export class HeartbeatFallbackError extends WaitlineError {
  constructor(message: string) {
    super('HEARTBEAT_FALLBACK', message);
  }
}
