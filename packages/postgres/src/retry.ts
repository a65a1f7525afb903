/**
 * Retry by hand: a finished job back among the waiting ones, admitted as an add of it would be
 * (draining, `maxSize`, `groupMaxWaiting`), under the locks an add takes, in one transaction.
 * @module
 * @internal
 */
import { GroupFullError, InvalidTransitionError, JobNotFoundError, type JobRecord, QueueDrainingError, QueueFullError, type RetryParams } from '@waitline/core';
import type pg from 'pg';
import type { PgContext, SqlRow } from './context.js';
import { toJobRecord } from './rows.js';

/**
 * Moves a failed or cancelled job back to `queued` at `runAt ?? now`, attempts reset; its last
 * error is kept and idle workers are woken at commit (retry-job.sql). Takes the queue's drain
 * fence shared, then the job's row, then the size lock and the group's lock when the queue has
 * those caps, in the order enqueue() takes them, so a retry and an add never both pass a cap.
 * Throws `JobNotFoundError`, `InvalidTransitionError`, `QueueDrainingError`, `QueueFullError` or
 * `GroupFullError`; the transaction rolls back, so nothing is written. @internal
 */
export function retryJob(ctx: PgContext, p: RetryParams): Promise<JobRecord> {
  return ctx.transaction('', async (client) => {
    await ctx.row('retryFence', [p.queue], client);
    const target = await ctx.row('retryTarget', [p.id, p.queue], client);
    if (target === undefined) throw new JobNotFoundError(p.id);
    if (target.state !== 'failed' && target.state !== 'cancelled') throw new InvalidTransitionError(p.id, target.state, 'queued');
    await checkRoom(ctx, client, p.queue, target);
    const row = await ctx.row('retryJob', [p.id, p.runAt ?? p.now, p.queue], client);
    // The row is locked and was failed or cancelled, so the guarded update cannot miss.
    if (row === undefined) throw new InvalidTransitionError(p.id, target.state, 'queued');
    return toJobRecord(row.job);
  });
}

/** Throws the refusal an add of the job would get; counts only under the matching lock. */
async function checkRoom(ctx: PgContext, client: pg.PoolClient, queue: string, target: SqlRow<'retryTarget'>): Promise<void> {
  if (target.draining) throw new QueueDrainingError(queue);
  if (target.max_size !== null) {
    await ctx.row('admissionLock', [':size', queue], client);
    const queued = await ctx.row('queuedBounded', [queue, target.max_size], client);
    if ((queued?.n ?? 0) + 1 > target.max_size) throw new QueueFullError(queue, target.max_size, 'retry');
  }
  if (target.group_max_waiting !== null && target.grp !== null) {
    await ctx.row('admissionLock', [`:group:${queue}`, target.grp], client);
    const queued = await ctx.row('groupQueuedBounded', [queue, target.grp, target.group_max_waiting], client);
    if ((queued?.n ?? 0) + 1 > target.group_max_waiting) throw new GroupFullError(queue, target.grp, target.group_max_waiting, 0, 'retry');
  }
}
