/**
 * The one place where SQLite rows become core records and back: JSON columns are parsed, 0/1
 * integers become booleans, missing values are null.
 * @module
 * @internal
 */
import {
  DEFAULT_MAX_STALLS,
  type FinishedSample,
  type JobErrorInfo,
  type JobRecord,
  type JobState,
  type NewJob,
  type QueueConfig,
  type QueueRateLimit,
  queuedRecord,
  type RunningSample,
  type ScheduleRow,
  type WebhookSubscription,
  type WorkerInfo,
  rateLimitField,
} from '@waitline/core';

/**
 * The `jobs` columns in table order: what `SELECT *` and `RETURNING *` give. Job rows are read as
 * arrays (better-sqlite3's raw mode): building a 24-key object per row costs about three times
 * as much as the array, on every claim and settle. `SqliteContext.jobs` checks each job
 * statement's columns against this list when it prepares it.
 * @internal
 */
export const JOB_COLUMNS = [
  'seq',
  'id',
  'queue',
  'name',
  'payload',
  'state',
  'priority',
  'run_at',
  'attempt',
  'max_attempts',
  'backoff',
  'timeout_ms',
  'size',
  'idempotency_key',
  'created_at',
  'started_at',
  'finished_at',
  'lease_token',
  'lease_expires_at',
  'worker_id',
  'cancel_requested',
  'progress',
  'result',
  'error',
  'stalls',
  'traceparent',
  'webhook',
  'grp',
] as const;

/** A `jobs` row as a raw `SELECT *` or `RETURNING *` returns it: {@link JOB_COLUMNS} in order. @internal */
export type JobRow = [
  seq: number,
  id: string,
  queue: string,
  name: string,
  payload: string,
  state: JobState,
  priority: number,
  runAt: number,
  attempt: number,
  maxAttempts: number,
  backoff: string | null,
  timeoutMs: number | null,
  size: number | null,
  idempotencyKey: string | null,
  createdAt: number,
  startedAt: number | null,
  finishedAt: number | null,
  leaseToken: string | null,
  leaseExpiresAt: number | null,
  workerId: string | null,
  cancelRequested: number,
  progress: string | null,
  result: string | null,
  error: string | null,
  stalls: number,
  traceparent: string | null,
  webhook: string | null,
  grp: string | null,
];

/** A `queues` row (the columns get-queue.sql selects). @internal */
export interface QueueRow {
  name: string;
  concurrency: number | null;
  max_size: number | null;
  paused: number;
  max_stalls: number;
  draining: number;
  rate_max: number | null;
  rate_interval_ms: number | null;
  /** 1 once the queue has had a grouped job (never cleared), else 0. */
  grouped: number;
  /** Most running jobs of any one named group, or null for no cap. */
  group_concurrency: number | null;
  /** Most queued jobs of any one named group, or null for no cap. */
  group_max_waiting: number | null;
  /** Most starts of any one named group per window (groupRateLimit.max), or null for no limit. */
  group_rate_max: number | null;
  /** The window of the group rate limit in ms, or null for no limit. */
  group_rate_interval_ms: number | null;
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
  seq: number;
}

/** A row prune-finished.sql or remove-jobs.sql deleted: its ETA fields, of any state. @internal */
export type DeletedRow = Omit<FinishedRow, 'state' | 'started_at' | 'finished_at'> & {
  state: JobState;
  started_at: number | null;
  finished_at: number | null;
};

/** A schedules row as SQLite returns it: `payload` and `options` still JSON text. @internal */
export type SqliteScheduleRow = Omit<ScheduleRow, 'payload' | 'options'> & { payload: string; options: string };

/** A job's state, as the `state` column holds it (for the statement headers' `@use`). @internal */
export type { JobState };

/** A row of running-samples.sql. @internal */
export interface RunningRow {
  id: string;
  name: string;
  size: number | null;
  started_at: number;
  progress_percent: number | null;
}

/** JSON text for a column; `undefined` is stored as SQL NULL, like `null`. @internal */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** The value a JSON column holds, or null for SQL NULL. @internal */
export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Maps a full `jobs` row to the record core sees. @internal */
export function toJobRecord(row: JobRow): JobRecord {
  return {
    id: row[1],
    queue: row[2],
    name: row[3],
    payload: JSON.parse(row[4]) as unknown,
    state: row[5],
    priority: row[6],
    runAt: row[7],
    seq: row[0],
    attempt: row[8],
    maxAttempts: row[9],
    stalls: row[24],
    backoff: fromJson(row[10]),
    timeoutMs: row[11],
    size: row[12],
    idempotencyKey: row[13],
    createdAt: row[14],
    startedAt: row[15],
    finishedAt: row[16],
    leaseToken: row[17],
    leaseExpiresAt: row[18],
    workerId: row[19],
    cancelRequested: row[20] === 1,
    progress: fromJson(row[21]),
    result: fromJson(row[22]),
    error: fromJson<JobErrorInfo>(row[23]),
    traceparent: row[25],
    webhook: fromJson<WebhookSubscription>(row[26]),
    group: row[27],
  };
}

/**
 * The record of a job insert-job.sql or add-job.sql just wrote, built without reading the row back: the add
 * path stays at one statement per job. `payloadJson` is what was stored, so the returned payload
 * is exactly what a later read returns.
 * @internal
 */
export function newJobRecord(queue: string, job: NewJob, payloadJson: string, seq: number, now: number): JobRecord {
  return queuedRecord(queue, job, seq, now, JSON.parse(payloadJson) as unknown);
}

/**
 * Maps a `queues` row to its configuration. The rate limits and the group caps are left out when
 * unset, so a configuration stored before they existed reads (and compares) as it did.
 * @internal
 */
export function toQueueConfig(row: QueueRow): QueueConfig {
  return {
    name: row.name,
    concurrency: row.concurrency,
    maxSize: row.max_size,
    paused: row.paused === 1,
    maxStalls: row.max_stalls,
    draining: row.draining === 1,
    ...rateLimitField(row.rate_max, row.rate_interval_ms),
    ...(row.group_concurrency === null ? {} : { groupConcurrency: row.group_concurrency }),
    ...(row.group_max_waiting === null ? {} : { groupMaxWaiting: row.group_max_waiting }),
    ...groupRateLimitField(row),
  };
}

/**
 * The queue's groupRateLimit read back from its two columns, or null when unset (either column
 * NULL). @internal
 */
export function groupRateLimitOf(row: QueueRow): QueueRateLimit | null {
  const max = row.group_rate_max;
  const intervalMs = row.group_rate_interval_ms;
  return max === null || intervalMs === null ? null : { max, intervalMs };
}

/** The `groupRateLimit` field of a config: `{}` when unset, so it is left out. */
function groupRateLimitField(row: QueueRow): { groupRateLimit?: QueueRateLimit } {
  const limit = groupRateLimitOf(row);
  return limit === null ? {} : { groupRateLimit: limit };
}

/** The configuration of a queue that has no row yet: no limits, not paused, the default maxStalls. @internal */
export function defaultQueueConfig(name: string): QueueConfig {
  return { name, concurrency: null, maxSize: null, paused: false, maxStalls: DEFAULT_MAX_STALLS, draining: false };
}

/** Maps a `workers` row. @internal */
export function toWorkerInfo(row: WorkerRow): WorkerInfo {
  return {
    id: row.id,
    queue: row.queue,
    host: row.host,
    pid: row.pid,
    concurrency: row.concurrency,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** Maps a row of recent-finished.sql. @internal */
export function toFinishedSample(row: FinishedRow): FinishedSample {
  return {
    name: row.name,
    state: row.state,
    priority: row.priority,
    size: row.size,
    createdAt: row.created_at,
    runAt: row.run_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Maps a row of running-samples.sql. @internal */
export function toRunningSample(row: RunningRow): RunningSample {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    startedAt: row.started_at,
    progressPercent: row.progress_percent,
  };
}
