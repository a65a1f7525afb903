/**
 * Adding jobs: idempotency keys, the atomic `maxSize` and `groupMaxWaiting` checks, and the queue
 * row created on first use.
 * @module
 * @internal
 */
import {
  DEFAULT_MAX_STALLS,
  type EnqueueParams,
  type EnqueueResult,
  GroupFullError,
  type JobRecord,
  type NewJob,
  QueueDrainingError,
  QueueFullError,
  ValidationError,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { newJobRecord, type QueueRow, toJobRecord, toJson } from './rows.js';
import { joinTurn, markGrouped } from './turns.js';

/**
 * Reads the queue's row, creating it with the defaults when missing. One statement when the queue
 * exists (the usual case), two on a queue's first add.
 * @internal
 */
export function readOrCreateQueue(ctx: SqliteContext, name: string, now: number): QueueRow {
  const row = ctx.stmt('getQueue').get({ name });
  if (row !== undefined) return row;
  ctx.stmt('ensureQueue').run({ name, now });
  return {
    name,
    concurrency: null,
    max_size: null,
    paused: 0,
    max_stalls: DEFAULT_MAX_STALLS,
    draining: 0,
    rate_max: null,
    rate_interval_ms: null,
    grouped: 0,
    group_concurrency: null,
    group_max_waiting: null,
    group_rate_max: null,
    group_rate_interval_ms: null,
  };
}

/**
 * How many more jobs the queue takes: Infinity without a maxSize, else maxSize - queued (>= 0).
 * A queue that is not grouped has no grouped job, so its ungrouped count is the whole count.
 */
function roomLeft(ctx: SqliteContext, queue: QueueRow): number {
  const maxSize = queue.max_size;
  if (maxSize === null) return Number.POSITIVE_INFINITY;
  const { n } = ctx.one('countQueuedBounded', { queue: queue.name, bound: maxSize });
  if (queue.grouped !== 1) return maxSize - n;
  const grouped = ctx.one('countGroupedBounded', { queue: queue.name, bound: maxSize });
  return maxSize - Math.min(maxSize, n + grouped.n);
}

/**
 * The queue's groupMaxWaiting as one batch applies it, or undefined without a cap (then no
 * statement runs). Call the returned check after each written job's turn-join: the first time it
 * meets a named group it counts the group's queued jobs, the one just written included
 * (group-queued-bounded, at most max + 1 entries), then adds one per job of the group the batch
 * writes. Returns the `GroupFullError` of the first job that takes its group past the cap.
 */
function groupWaiting(ctx: SqliteContext, queue: QueueRow): ((group: string | null, index: number) => GroupFullError | undefined) | undefined {
  const max = queue.group_max_waiting;
  if (max === null) return undefined;
  const waiting = new Map<string, number>();
  return (group, index) => {
    if (group === null) return undefined;
    const known = waiting.get(group);
    const count = known === undefined ? ctx.one('groupQueuedBounded', { queue: queue.name, grp: group, bound: max + 1 }).n : known + 1;
    waiting.set(group, count);
    return count > max ? new GroupFullError(queue.name, group, max, index) : undefined;
  };
}

/**
 * Throws what an add of one job of `group` to `queueName` would throw for want of room (a retry by
 * hand counts as an add): `QueueDrainingError`, `QueueFullError`, `GroupFullError`, each with the
 * retry's path. Reads only (a job's queue row exists); call inside the `BEGIN IMMEDIATE` that
 * then writes the job.
 * @internal
 */
export function checkReadmission(ctx: SqliteContext, queueName: string, group: string | null, now: number): void {
  const queue = readOrCreateQueue(ctx, queueName, now);
  if (queue.draining === 1) throw new QueueDrainingError(queueName);
  if (roomLeft(ctx, queue) < 1) throw new QueueFullError(queueName, queue.max_size ?? 0, 'retry');
  const max = queue.group_max_waiting;
  if (max === null || group === null) return;
  if (ctx.one('groupQueuedBounded', { queue: queueName, grp: group, bound: max }).n + 1 > max) {
    throw new GroupFullError(queueName, group, max, 0, 'retry');
  }
}

/** A duplicate job id as a typed error: ids are unique across every queue of a storage. */
function duplicateIdError(id: string, cause: unknown): unknown {
  const code = (cause as { code?: unknown }).code;
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' || !String((cause as Error).message).includes('jobs.id')) return cause;
  const message = `a job with id "${id}" already exists`;
  return new ValidationError(message, [{ path: ['id'], message }], { cause });
}

/** Inserts one job; null when its idempotency key already named a job of the queue. */
function insertJob(ctx: SqliteContext, queue: string, job: NewJob, now: number): JobRecord | null {
  const payload = JSON.stringify(job.payload ?? null);
  const info = runInsert(ctx, 'insertJob', queue, job, payload, now);
  if (info.changes === 0) return null;
  return newJobRecord(queue, job, payload, Number(info.lastInsertRowid), now);
}

/** Runs insert-job.sql (with the group) or add-job.sql (ungrouped jobs only), turning a duplicate id into a `ValidationError`. */
function runInsert(ctx: SqliteContext, sql: 'insertJob' | 'addJob', queue: string, job: NewJob, payload: string, now: number) {
  const fields = {
    id: job.id,
    queue,
    name: job.name,
    payload,
    priority: job.priority,
    runAt: job.runAt,
    maxAttempts: job.maxAttempts,
    backoff: toJson(job.backoff),
    timeoutMs: job.timeoutMs ?? null,
    size: job.size ?? null,
    idempotencyKey: job.idempotencyKey ?? null,
    traceparent: job.traceparent ?? null,
    webhook: toJson(job.webhook),
    now,
  };
  try {
    return sql === 'insertJob' ? ctx.stmt('insertJob').run({ ...fields, grp: job.group ?? null }) : ctx.stmt('addJob').run(fields);
  } catch (err) {
    throw duplicateIdError(job.id, err);
  }
}

function findByKey(ctx: SqliteContext, queue: string, idempotencyKey: string | null): JobRecord {
  const row = ctx.jobs('findIdempotentJob').get({ queue, idempotencyKey });
  // insert-job.sql only skips a row on an idempotency conflict, so the key names a stored job.
  if (row === undefined) throw new Error(`idempotency conflict without a job for key "${idempotencyKey}"`);
  return toJobRecord(row);
}

/**
 * The fast path of a single add: one autocommit statement (add-job.sql) that checks the queue
 * row and its maxSize and inserts, atomically. Returns the result when the job was written, or
 * null when nothing was written (one job but no queue row yet, the queue full, or the idempotency
 * key taken; or not exactly one job): the caller then runs {@link enqueueJobs} in a transaction,
 * which tells those apart. Call outside any transaction.
 * @internal
 */
export function addOneJob(ctx: SqliteContext, p: EnqueueParams): EnqueueResult | null {
  const job = p.jobs.length === 1 ? p.jobs[0] : undefined;
  // A grouped job joins turns (and may make its queue grouped): the transaction path does that.
  if (job === undefined || (job.group !== undefined && job.group !== null)) return null;
  const payload = JSON.stringify(job.payload ?? null);
  const info = runInsert(ctx, 'addJob', p.queue, job, payload, p.now);
  if (info.changes === 0) return null;
  return { jobs: [newJobRecord(p.queue, job, payload, Number(info.lastInsertRowid), p.now)], inserted: [true] };
}

/**
 * Writes `p.jobs` in order, all or none; call inside `BEGIN IMMEDIATE`. A job whose idempotency
 * key is taken in the queue (any state, including earlier in this batch) is not written: the
 * stored job is returned with `inserted[i] = false` and counts against neither `maxSize` nor
 * `groupMaxWaiting`. When the queue is draining, throws `QueueDrainingError` before any insert.
 * When the new jobs would take the queued count past `maxSize`, throws `QueueFullError`; else,
 * when a job would take its named group's queued jobs (every level, this batch's included) past
 * `groupMaxWaiting`, throws `GroupFullError` naming the first such job's index; either way the
 * caller's transaction rolls back every insert. The first grouped job makes the queue grouped
 * (mark-grouped, stamp-default-group); in a grouped queue each written job joins its level's
 * turns (turn-join). Statements: get-queue, then count-queued-bounded (and count-grouped-bounded
 * for a grouped queue) when the queue has a maxSize, then one insert-job per job (plus a lookup
 * per key hit, the turn statements above, and with a groupMaxWaiting one group-queued-bounded
 * per named group of the batch).
 * @internal
 */
export function enqueueJobs(ctx: SqliteContext, p: EnqueueParams): EnqueueResult {
  const jobs: JobRecord[] = [];
  const inserted: boolean[] = [];
  if (p.jobs.length === 0) return { jobs, inserted };
  const queue = readOrCreateQueue(ctx, p.queue, p.now);
  if (queue.draining === 1) throw new QueueDrainingError(p.queue);
  let room = roomLeft(ctx, queue);
  let grouped = queue.grouped === 1;
  const checkGroup = groupWaiting(ctx, queue);
  let groupFull: GroupFullError | undefined;
  for (const [index, job] of p.jobs.entries()) {
    const record = insertJob(ctx, p.queue, job, p.now);
    if (record === null) {
      jobs.push(findByKey(ctx, p.queue, job.idempotencyKey));
      inserted.push(false);
      continue;
    }
    if (!grouped && record.group !== null) {
      markGrouped(ctx, p.queue);
      grouped = true;
    }
    if (grouped) joinTurn(ctx, p.queue, record.group, record.priority);
    room -= 1;
    if (room < 0) throw new QueueFullError(p.queue, queue.max_size ?? 0);
    // A full queue outranks a full group (as in MemoryStorage): the batch goes on to find out.
    groupFull ??= checkGroup?.(record.group, index);
    jobs.push(record);
    inserted.push(true);
  }
  if (groupFull !== undefined) throw groupFull;
  return { jobs, inserted };
}
