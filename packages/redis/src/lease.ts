/**
 * Lease upkeep: renewing held leases, progress written under the lease, and the sweep that moves
 * expired leases out of `running`, each one script per queue. A worker's writes here check its
 * lease token inside the script: a guard miss writes nothing.
 * @module
 * @internal
 */
import { type JobRecord, LeaseLostError, type LeaseState, type ProgressParams, type ReclaimParams, type RenewLeasesParams } from '@waitline/core';
import type { RedisContext } from './context.js';
import { toJobRecord, toJobRecords } from './rows.js';
import type { ScriptArg, ScriptReply } from './scripts.js';

/** Renews on one queue: the given leases, or every lease of the worker there. */
async function renewOnQueue(ctx: RedisContext, queue: string, p: RenewLeasesParams): Promise<ScriptReply<'renewLeases'>> {
  const expiresAt = String(p.now + p.leaseMs);
  const mode: ScriptArg[] = p.leases ? ['leases', String(p.leases.length), ...p.leases.flatMap((l) => [l.id, l.leaseToken])] : ['worker', p.workerId];
  return ctx.onQueue('renewLeases', queue, [expiresAt, ...mode]);
}

/**
 * Renews held leases of `p.queue` in one script (a job of another queue is not in its keys, so it
 * is reported not held). @internal
 */
export async function renewLeases(ctx: RedisContext, p: RenewLeasesParams): Promise<LeaseState[]> {
  const replies = await renewOnQueue(ctx, p.queue, p);
  const leaseExpiresAt = p.now + p.leaseMs;
  return replies.map(([id, isHeld, cancelRequested]) =>
    isHeld === '1'
      ? { id, held: true, cancelRequested: cancelRequested === '1', leaseExpiresAt }
      : { id, held: false, cancelRequested: false, leaseExpiresAt: null },
  );
}

/** Writes progress under the lease guard; throws `LeaseLostError` on a miss. @internal */
export async function reportProgress(ctx: RedisContext, p: ProgressParams): Promise<JobRecord> {
  const { percent, stage, data } = p.progress;
  const progress = JSON.stringify(data === undefined ? { percent, stage, updatedAt: p.now } : { percent, stage, data, updatedAt: p.now });
  const reply = await ctx.onQueue('progress', p.queue, [p.id, p.leaseToken, progress]);
  if (reply[0] !== 'ok') throw new LeaseLostError(p.id);
  return toJobRecord(p.queue, reply[1]);
}

/** Moves expired leases out of running: on `p.queue`, or on every known queue. @internal */
export async function reclaimExpired(ctx: RedisContext, p: ReclaimParams): Promise<JobRecord[]> {
  const queues = p.queue !== undefined ? [p.queue] : await ctx.queueNames.list();
  const errorPrefix = JSON.stringify(p.error).slice(0, -1);
  const moved = await Promise.all(queues.map(async (q) => toJobRecords(q, await ctx.onQueue('reclaimExpired', q, [String(p.now), errorPrefix]))));
  return moved.flat();
}
