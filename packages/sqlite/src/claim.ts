/**
 * Claiming: pause, global concurrency and the ordering rule, checked and applied under one write
 * lock.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { compareJobOrder, type ClaimParams, type JobRecord } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { type JobRow, type QueueRow, toJobRecord } from './rows.js';

/** How many jobs the queue lets this claim start: 0 when paused or at its concurrency. */
function freeSlots(ctx: SqliteContext, queue: string, limit: number): number {
  const config = ctx.stmt('getQueue').get({ name: queue }) as QueueRow | undefined;
  if (config === undefined) return limit; // never configured nor added to: no limits
  if (config.paused === 1) return 0;
  if (config.concurrency === null) return limit;
  const { n } = ctx.stmt('countRunning').get({ queue }) as { n: number };
  return Math.min(limit, Math.max(0, config.concurrency - n));
}

/**
 * Leases up to `p.limit` ready jobs (`queued`, `runAt <= now`) by priority descending, runAt, seq;
 * none while the queue is paused, and never more than its concurrency minus the jobs running in
 * every process. Call inside `BEGIN IMMEDIATE`: the count and the lease then see the same data.
 * Each leased job gets its own token, `attempt + 1`, `startedAt = now` and
 * `leaseExpiresAt = now + leaseMs`. Returns the leased records in claim order. Statements:
 * get-queue, count-running (only with a concurrency limit), claim.
 * @internal
 */
export function claimReady(ctx: SqliteContext, p: ClaimParams): JobRecord[] {
  const wanted = Math.floor(p.limit);
  if (!(wanted > 0)) return [];
  const limit = freeSlots(ctx, p.queue, wanted);
  if (limit === 0) return [];
  const rows = ctx.jobs('claim').all({
    queue: p.queue,
    now: p.now,
    limit,
    leaseToken: randomUUID(),
    leaseExpiresAt: p.now + p.leaseMs,
    workerId: p.workerId,
  }) as JobRow[];
  return rows.map(toJobRecord).sort(compareJobOrder);
}
