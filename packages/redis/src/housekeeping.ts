/**
 * Housekeeping on Redis: the stored retention policy and the housekeeping lease in one hash per
 * queue (the lease a compare-and-set script on core's `now`), and the bounded prune script, which
 * keeps the deleted jobs' ETA samples in the queue's samples zset (see `lua/lib/prune.lua`).
 * @module
 * @internal
 */
import type { HousekeepingLease, HousekeepingLeaseParams, PruneFinishedParams, RetentionPolicy, SetRetentionParams } from '@waitline/core';
import { optionalArg, type RedisContext } from './context.js';

/** Stores the queue's retention policy (one command: HSET, or HDEL for null). @internal */
export async function setRetention(ctx: RedisContext, p: SetRetentionParams): Promise<void> {
  const key = ctx.keys.housekeeping(p.queue);
  if (p.retention === null) await ctx.client.hdel(key, 'retention');
  else await ctx.client.hset(key, 'retention', JSON.stringify(p.retention));
}

/** The stored policy (one HGET), or null; reads only. @internal */
export async function getRetention(ctx: RedisContext, queue: string): Promise<RetentionPolicy | null> {
  const stored = await ctx.client.hget(ctx.keys.housekeeping(queue), 'retention');
  return typeof stored === 'string' ? (JSON.parse(stored) as RetentionPolicy) : null;
}

/** The lease's compare-and-set (housekeeping-lease.lua) and the stored policy. @internal */
export async function takeHousekeepingLease(ctx: RedisContext, p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
  const args = [p.holder, String(p.now), String(p.now + p.leaseMs)];
  const [held, retention] = await ctx.onKeys('housekeepingLease', [ctx.keys.housekeeping(p.queue)], args);
  return { held: held === 1, retention: typeof retention === 'string' ? (JSON.parse(retention) as RetentionPolicy) : null };
}

/** One prune batch (prune-finished.lua) and its samples, in one script. @internal */
export async function pruneFinished(ctx: RedisContext, p: PruneFinishedParams): Promise<number> {
  const args = [p.state, optionalArg(p.olderThan), optionalArg(p.keepNewest), String(p.limit), String(p.sampleLimit)];
  return ctx.onQueue('pruneFinished', p.queue, args, [ctx.keys.samples(p.queue)]);
}
