/**
 * Operator moves and queue configuration: cancel, retry by hand, change priority, promote, remove,
 * and a queue's stored settings (create, pause, resume, drain, limits). Each transition is one
 * guarded UPDATE (or DELETE); on a guard miss the job is read in the same transaction to raise the
 * precise error.
 * @module
 * @internal
 */
import {
  InvalidTransitionError,
  JobNotFoundError,
  type CancelParams,
  type ChangePriorityParams,
  type JobRecord,
  type JobState,
  type PromoteParams,
  type QueueConfig,
  type RemoveParams,
  type RetryParams,
  type UpsertQueueParams,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { checkReadmission } from './enqueue.js';
import { keepSamples } from './housekeeping.js';
import { type JobRow, toJobRecord, toQueueConfig } from './rows.js';
import { joinTurn } from './turns.js';

/** Reads a job of `queue` or throws `JobNotFoundError` (also for a job of another queue). @internal */
export function getJobOrThrow(ctx: SqliteContext, queue: string, id: string): JobRecord {
  const row = ctx.jobs('getJob').get({ id });
  if (row === undefined || row[2] !== queue) throw new JobNotFoundError(id);
  return toJobRecord(row);
}

/**
 * The record of a guarded transition's row (job `id` of `queue`); on a miss (no row), throws
 * `JobNotFoundError` or `InvalidTransitionError` (from the job's current state to `to`).
 */
function transitioned(ctx: SqliteContext, row: JobRow | undefined, queue: string, id: string, to: JobState): JobRecord {
  if (row !== undefined) return toJobRecord(row);
  const job = getJobOrThrow(ctx, queue, id);
  throw new InvalidTransitionError(id, job.state, to);
}

/**
 * Cancels a job: queued ends `cancelled` now; running gets `cancelRequested` and stays running
 * until its worker settles it; an already cancelled job is returned as is. Throws
 * `JobNotFoundError`, or `InvalidTransitionError` for completed and failed jobs. Call inside
 * `BEGIN IMMEDIATE`. Statements: cancel-job, plus get-job on a miss.
 * @internal
 */
export function cancelJob(ctx: SqliteContext, p: CancelParams): JobRecord {
  const row = ctx.jobs('cancelJob').get({ id: p.id, queue: p.queue, now: p.now });
  if (row !== undefined) return toJobRecord(row);
  const job = getJobOrThrow(ctx, p.queue, p.id);
  if (job.state === 'cancelled') return job;
  throw new InvalidTransitionError(p.id, job.state, 'cancelled');
}

/**
 * Moves a failed or cancelled job back to `queued` at `p.runAt ?? p.now` with attempts reset; its
 * last error is kept; in a grouped queue the job's group joins its level's turns. Refused with
 * nothing written where an add would be (draining, `maxSize`, `groupMaxWaiting`: see
 * `checkReadmission`). Call inside `BEGIN IMMEDIATE`. Statements: get-job, the room checks,
 * retry-job, turn-join.
 * @internal
 */
export function retryJob(ctx: SqliteContext, p: RetryParams): JobRecord {
  const before = getJobOrThrow(ctx, p.queue, p.id);
  if (before.state !== 'failed' && before.state !== 'cancelled') throw new InvalidTransitionError(p.id, before.state, 'queued');
  checkReadmission(ctx, p.queue, before.group, p.now);
  const row = ctx.jobs('retryJob').get({ id: p.id, queue: p.queue, runAt: p.runAt ?? p.now });
  const job = transitioned(ctx, row, p.queue, p.id, 'queued');
  joinTurn(ctx, job.queue, job.group, job.priority);
  return job;
}

/**
 * Gives a queued job a new priority; in a grouped queue its group joins the new level's turns
 * (the old level's stamp stays). Call inside `BEGIN IMMEDIATE`. Statements: change-priority
 * (+ get-job on a miss), turn-join.
 * @internal
 */
export function changePriority(ctx: SqliteContext, p: ChangePriorityParams): JobRecord {
  const row = ctx.jobs('changePriority').get({ id: p.id, queue: p.queue, priority: p.priority });
  const job = transitioned(ctx, row, p.queue, p.id, 'queued');
  joinTurn(ctx, job.queue, job.group, job.priority);
  return job;
}

/**
 * Makes a queued job ready now (`runAt = min(runAt, now)`); a ready job is returned unchanged.
 * Call inside `BEGIN IMMEDIATE`. Statements: promote-job (+ get-job on a miss).
 * @internal
 */
export function promoteJob(ctx: SqliteContext, p: PromoteParams): JobRecord {
  const row = ctx.jobs('promoteJob').get({ id: p.id, queue: p.queue, now: p.now });
  return transitioned(ctx, row, p.queue, p.id, 'queued');
}

/**
 * Deletes one batch (at most `p.limit` rows) of the jobs `p` selects, keeping their ETA samples
 * when `p.sampleLimit` is given; returns how many. Call inside `BEGIN IMMEDIATE`; core repeats
 * the call until a batch comes back short, so each write lock stays short.
 * @internal
 */
export function removeJobsChunk(ctx: SqliteContext, p: RemoveParams): number {
  const rows = ctx.stmt('removeJobs').all({
    queue: p.queue,
    states: JSON.stringify(p.states),
    olderThan: p.olderThan ?? null,
    chunk: p.limit,
  });
  if (p.sampleLimit !== undefined) keepSamples(ctx, p.queue, rows, p.sampleLimit);
  return rows.length;
}

/**
 * Creates the queue or updates only the fields given (undefined keeps the stored value, null
 * clears a limit or a group cap). One statement (upsert-queue.sql), so concurrent upserts of
 * different fields from two processes both hold; removing the rate limit (`rateLimit: null`) also clears the
 * queue's log of starts (rate-starts-clear.sql), and removing the group rate limit
 * (`groupRateLimit: null`) every group's log of starts (group-rate-starts-clear.sql); replacing
 * either keeps its log. Call inside one `BEGIN IMMEDIATE`, so all of it is one write.
 * @internal
 */
export function upsertQueue(ctx: SqliteContext, p: UpsertQueueParams): QueueConfig {
  const row = ctx.one('upsertQueue', {
    name: p.name,
    setConcurrency: p.concurrency === undefined ? 0 : 1,
    concurrency: p.concurrency ?? null,
    setMaxSize: p.maxSize === undefined ? 0 : 1,
    maxSize: p.maxSize ?? null,
    setPaused: p.paused === undefined ? 0 : 1,
    paused: p.paused ? 1 : 0,
    setMaxStalls: p.maxStalls === undefined ? 0 : 1,
    maxStalls: p.maxStalls ?? null,
    setDraining: p.draining === undefined ? 0 : 1,
    draining: p.draining ? 1 : 0,
    setRate: p.rateLimit === undefined ? 0 : 1,
    rateMax: p.rateLimit?.max ?? null,
    rateIntervalMs: p.rateLimit?.intervalMs ?? null,
    setGroupConcurrency: p.groupConcurrency === undefined ? 0 : 1,
    groupConcurrency: p.groupConcurrency ?? null,
    setGroupMaxWaiting: p.groupMaxWaiting === undefined ? 0 : 1,
    groupMaxWaiting: p.groupMaxWaiting ?? null,
    setGroupRate: p.groupRateLimit === undefined ? 0 : 1,
    groupRateMax: p.groupRateLimit?.max ?? null,
    groupRateIntervalMs: p.groupRateLimit?.intervalMs ?? null,
    now: p.now,
  });
  if (p.rateLimit === null) ctx.stmt('rateStartsClear').run({ queue: p.name });
  if (p.groupRateLimit === null) ctx.stmt('groupRateStartsClear').run({ queue: p.name });
  return toQueueConfig(row);
}
