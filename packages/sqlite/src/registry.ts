/**
 * Queue configuration, worker registration and job listing: the simple reads and single-statement
 * writes.
 * @module
 * @internal
 */
import {
  JOB_STATES,
  type JobRecord,
  type JobRef,
  type ListParams,
  type Page,
  type QueueConfig,
  type RegisterWorkerParams,
  type UpsertQueueParams,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { type JobRow, type QueueRow, toJobRecord, toQueueConfig } from './rows.js';

/**
 * Creates the queue or updates only the fields given (undefined keeps the stored value, null
 * clears a limit). One statement (upsert-queue.sql), so concurrent upserts of different fields
 * from two processes both hold; removing the rate limit (`rateLimit: null`) also clears the
 * queue's log of starts (rate-starts-clear.sql). Call inside one `BEGIN IMMEDIATE`, so both are
 * one write.
 * @internal
 */
export function upsertQueue(ctx: SqliteContext, p: UpsertQueueParams): QueueConfig {
  const row = ctx.stmt('upsertQueue').get({
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
    now: p.now,
  }) as QueueRow;
  if (p.rateLimit === null) ctx.stmt('rateStartsClear').run({ queue: p.name });
  return toQueueConfig(row);
}

/** The stored configuration, or null for a queue never configured nor added to. @internal */
export function getQueue(ctx: SqliteContext, name: string): QueueConfig | null {
  const row = ctx.stmt('getQueue').get({ name }) as QueueRow | undefined;
  return row === undefined ? null : toQueueConfig(row);
}

/** Every stored queue's configuration, by name. One statement. @internal */
export function listQueues(ctx: SqliteContext): QueueConfig[] {
  return (ctx.stmt('listQueues').all() as QueueRow[]).map(toQueueConfig);
}

/** One job of `p.queue` by id, or null (also for another queue's job). One statement. @internal */
export function getJob(ctx: SqliteContext, p: JobRef): JobRecord | null {
  const row = ctx.jobs('getJob').get({ id: p.id }) as JobRow | undefined;
  return row === undefined || row[2] !== p.queue ? null : toJobRecord(row);
}

/**
 * One page of the queue's jobs in `p.states` (every state when absent), by `seq` descending unless
 * `order` is `'asc'`; `nextOffset` is null on the last page. One statement: it reads one row past
 * the page to know whether another follows.
 * @internal
 */
export function listJobs(ctx: SqliteContext, p: ListParams): Page<JobRecord> {
  const limit = Math.max(0, Math.floor(p.limit));
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  const params = { queue: p.queue, states: JSON.stringify(p.states ?? JOB_STATES), limit: limit + 1, offset };
  const rows = (
    p.afterSeq === undefined
      ? ctx.jobs(p.order === 'asc' ? 'listJobsAsc' : 'listJobsDesc').all(params)
      : ctx.jobs(p.order === 'asc' ? 'listJobsKeysetAsc' : 'listJobsKeysetDesc').all({ ...params, afterSeq: p.afterSeq })
  ) as JobRow[];
  const more = limit > 0 && rows.length > limit;
  return { items: rows.slice(0, limit).map(toJobRecord), nextOffset: more ? offset + limit : null };
}

/** Registers a worker or refreshes its `lastSeenAt`; `startedAt` is kept. One statement. @internal */
export function registerWorker(ctx: SqliteContext, p: RegisterWorkerParams): void {
  ctx.stmt('registerWorker').run({
    id: p.id,
    queue: p.queue,
    host: p.host,
    pid: p.pid,
    concurrency: p.concurrency,
    now: p.now,
  });
}

/** Forgets a worker; an unknown id is not an error. One statement. @internal */
export function deregisterWorker(ctx: SqliteContext, id: string): void {
  ctx.stmt('deregisterWorker').run({ id });
}
