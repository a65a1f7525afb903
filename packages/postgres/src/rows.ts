/**
 * The one place where Postgres rows become core records: every job query returns the whole row
 * as `row_to_json`, so one mapper reads them all (json columns arrive as values, bigints as
 * numbers).
 * @module
 * @internal
 */
import {
  DEFAULT_MAX_STALLS,
  type FinishedSample,
  type JobErrorInfo,
  type JobRecord,
  type JobState,
  type QueueConfig,
  type RunningSample,
  type WorkerInfo,
  rateLimitField,
} from '@waitline/core';

/**
 * Core's types that statement headers name in `@returns` (a header's `@use` imports from a module
 * of this package): the stored retention policy, a `schedules` row, a journaled event's body.
 * @internal
 */
export type { RetentionPolicy, ScheduleRow, StorageNotice } from '@waitline/core';

/** A `jobs` row as `row_to_json` gives it. @internal */
export interface JobJson {
  id: string;
  seq: number;
  queue: string;
  name: string;
  payload: unknown;
  state: JobState;
  priority: number;
  run_at: number;
  attempt: number;
  max_attempts: number;
  stalls: number;
  backoff: JobRecord['backoff'];
  timeout_ms: number | null;
  size: number | null;
  idempotency_key: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  worker_id: string | null;
  cancel_requested: boolean;
  progress: JobRecord['progress'];
  result: unknown;
  error: JobErrorInfo | null;
  traceparent: string | null;
  webhook: JobRecord['webhook'];
  /** The job's group, NULL for an ungrouped job (since 0012). */
  grp: string | null;
}

/** A query result row holding one job. @internal */
export interface JobRow {
  job: JobJson;
}

/**
 * The claim function's report rows: when a rate limit held the claim back (the queue's, or a
 * group's that left it short), the next start; or, for a grouped queue, the mark saying the job
 * rows came in claim order. @internal
 */
export type NextStartJson = { next_start_at: number } | { in_order: true };

/** A row of the enqueue function (see its header in sql/functions/enqueue.sql). @internal */
export type EnqueueRow =
  | { status: 'inserted' | 'existing' | 'full' | 'draining'; id: string | null; seq: number | null; job: JobJson | null }
  /** A group past `groupMaxWaiting`: `id` is the group, `seq` the cap, `job` the offending index. */
  | { status: 'group_full'; id: string; seq: number; job: { index: number } };

/** Maps a job row to the record core sees. @internal */
export function toJobRecord(j: JobJson): JobRecord {
  return {
    id: j.id,
    queue: j.queue,
    name: j.name,
    payload: j.payload,
    state: j.state,
    priority: j.priority,
    runAt: j.run_at,
    seq: j.seq,
    attempt: j.attempt,
    maxAttempts: j.max_attempts,
    stalls: j.stalls,
    backoff: j.backoff ?? null,
    timeoutMs: j.timeout_ms,
    size: j.size,
    idempotencyKey: j.idempotency_key,
    createdAt: j.created_at,
    startedAt: j.started_at,
    finishedAt: j.finished_at,
    leaseToken: j.lease_token,
    leaseExpiresAt: j.lease_expires_at,
    workerId: j.worker_id,
    cancelRequested: j.cancel_requested,
    progress: j.progress ?? null,
    result: j.result ?? null,
    error: j.error ?? null,
    traceparent: j.traceparent ?? null,
    webhook: j.webhook ?? null,
    group: j.grp ?? null,
  };
}

/** JSON text for a json parameter; `undefined` is stored as SQL NULL, like `null`. @internal */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** A `queues` row. @internal */
export interface QueueRow {
  name: string;
  concurrency: number | null;
  max_size: number | null;
  paused: boolean;
  max_stalls: number;
  draining: boolean;
  rate_max: number | null;
  rate_interval_ms: number | null;
  /** Most running jobs of one named group, NULL for none (since 0013). */
  group_concurrency: number | null;
  /** Most queued jobs of one named group, NULL for none (since 0013). */
  group_max_waiting: number | null;
  /** Most starts of one named group per window, NULL for none (since 0015). */
  group_rate_max: number | null;
  /** The group rate limit's window in ms, NULL for none (since 0015). */
  group_rate_interval_ms: number | null;
}

/**
 * Maps a `queues` row to its configuration. The optional fields (`rateLimit`, `groupConcurrency`,
 * `groupMaxWaiting`, `groupRateLimit`) are left out when unset, so a config stored before them reads as it did.
 * @internal
 */
export function toQueueConfig(row: QueueRow): QueueConfig {
  return {
    name: row.name,
    concurrency: row.concurrency,
    maxSize: row.max_size,
    paused: row.paused,
    maxStalls: row.max_stalls,
    draining: row.draining,
    ...rateLimitField(row.rate_max, row.rate_interval_ms),
    ...(row.group_concurrency === null ? {} : { groupConcurrency: row.group_concurrency }),
    ...(row.group_max_waiting === null ? {} : { groupMaxWaiting: row.group_max_waiting }),
    ...groupRateLimitField(row.group_rate_max, row.group_rate_interval_ms),
  };
}

/** The `groupRateLimit` field from its two stored numbers: `{}` when either is NULL (no limit). */
function groupRateLimitField(max: number | null, intervalMs: number | null): Pick<QueueConfig, 'groupRateLimit'> {
  return max === null || intervalMs === null ? {} : { groupRateLimit: { max, intervalMs } };
}

/** The configuration of a queue that has no row yet: no limits, not paused, the default maxStalls. @internal */
export function defaultQueueConfig(name: string): QueueConfig {
  return { name, concurrency: null, maxSize: null, paused: false, maxStalls: DEFAULT_MAX_STALLS, draining: false };
}

/** A `workers` row. @internal */
export interface WorkerRow {
  id: string;
  queue: string;
  host: string;
  pid: number;
  concurrency: number;
  started_at: number;
  last_seen_at: number;
}

/** Maps a `workers` row. @internal */
export function toWorkerInfo(r: WorkerRow): WorkerInfo {
  return {
    id: r.id,
    queue: r.queue,
    host: r.host,
    pid: r.pid,
    concurrency: r.concurrency,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
  };
}

/** A row of recent-finished.sql. @internal */
export interface FinishedRow {
  name: string;
  state: 'completed' | 'failed';
  priority: number;
  size: number | null;
  created_at: number;
  run_at: number;
  started_at: number;
  finished_at: number;
}

/** Maps a row of recent-finished.sql. @internal */
export function toFinishedSample(r: FinishedRow): FinishedSample {
  return {
    name: r.name,
    state: r.state,
    priority: r.priority,
    size: r.size,
    createdAt: r.created_at,
    runAt: r.run_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** A row of running-samples.sql. @internal */
export interface RunningRow {
  id: string;
  name: string;
  size: number | null;
  started_at: number;
  progress_percent: number | null;
}

/** Maps a row of running-samples.sql. @internal */
export function toRunningSample(r: RunningRow): RunningSample {
  return { id: r.id, name: r.name, size: r.size, startedAt: r.started_at, progressPercent: r.progress_percent };
}
