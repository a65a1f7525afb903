/**
 * The `Job` handle a producer holds, and the status a user is shown.
 * @module
 */
import type { Eta } from './eta.js';
import type { JobErrorInfo, JobId, JobProgress, JobRecord } from './job-record.js';
import type { JobState } from './state.js';

/** What a user is shown about a job: where it stands, how far it got, when it should be done. */
export interface JobStatus<Result = unknown> {
  id: JobId;
  queue: string;
  name: string;
  state: JobState;
  /** True for a queued job whose `runAt` is still ahead (delayed, or waiting out a retry backoff). */
  scheduled: boolean;
  /** 1-based place among ready jobs by the ordering rule; null unless queued and ready. */
  position: number | null;
  attempt: number;
  maxAttempts: number;
  /** Times the job's lease expired under a worker that stopped renewing it (see `JobRecord.stalls`). */
  stalls: number;
  priority: number;
  progress: JobProgress | null;
  /** Null for jobs in a final state. */
  eta: Eta | null;
  runAt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequested: boolean;
  result: Result | null;
  error: JobErrorInfo | null;
}

/** Builds a status from a record, a position and an ETA. */
export function toJobStatus<Result>(record: JobRecord, position: number | null, eta: Eta | null, now: number): JobStatus<Result> {
  return {
    id: record.id,
    queue: record.queue,
    name: record.name,
    state: record.state,
    scheduled: record.state === 'queued' && record.runAt > now,
    position,
    attempt: record.attempt,
    maxAttempts: record.maxAttempts,
    stalls: record.stalls,
    priority: record.priority,
    progress: record.progress,
    eta,
    runAt: record.runAt,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    cancelRequested: record.cancelRequested,
    result: record.result as Result | null,
    error: record.error,
  };
}

/** What a `Job` handle needs from its queue. */
export interface JobHandleHost<Payload, Result> {
  /** See `Queue.getStatus`. */
  getStatus(id: JobId): Promise<JobStatus<Result>>;
  /** See `Queue.getJob`. */
  getJob(id: JobId): Promise<JobRecord<Payload, Result> | null>;
  /** See `Queue.cancel`. */
  cancel(id: JobId): Promise<JobRecord<Payload, Result>>;
  /** See `Queue.finished`. */
  finished(id: JobId, options?: { timeoutMs?: number }): Promise<Result>;
}

/**
 * A handle on one job, returned by `queue.add`. It holds the record as written; every method reads
 * the storage afresh, so it works from any process.
 */
export class Job<Payload = unknown, Result = unknown> {
  /** The job's id. */
  readonly id: JobId;

  constructor(
    private readonly host: JobHandleHost<Payload, Result>,
    /** The record as it was when the handle was made (after add). */
    readonly record: JobRecord<Payload, Result>,
    /** False when an idempotency key matched an existing job and nothing was written. */
    readonly inserted: boolean = true,
  ) {
    this.id = record.id;
  }

  /** The payload as validated and stored. */
  get payload(): Payload {
    return this.record.payload;
  }

  /** Reads the job's state, position, progress and ETA now. */
  status(): Promise<JobStatus<Result>> {
    return this.host.getStatus(this.id);
  }

  /** Reads the stored record now; null when the job was removed. */
  refresh(): Promise<JobRecord<Payload, Result> | null> {
    return this.host.getJob(this.id);
  }

  /** Cancels the job: a queued job at once, a running one by aborting its handler's signal. */
  cancel(): Promise<JobRecord<Payload, Result>> {
    return this.host.cancel(this.id);
  }

  /**
   * Resolves with the handler's result once the job completes; rejects with `JobFailedError` when it
   * ends `failed` or `cancelled`. Works across processes (events where the storage carries them,
   * polling otherwise).
   */
  finished(options?: { timeoutMs?: number }): Promise<Result> {
    return this.host.finished(this.id, options);
  }
}
