/**
 * Claiming: pause, global concurrency, the rate limit and the ordering rule, checked and applied
 * under one write lock.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { compareJobOrder, type ClaimParams, type JobRecord, type QueueConfig, rateLimitCap } from '@waitline/core';
import { claimGrouped, type GroupedClaim, type GroupLimits } from './claim-grouped.js';
import type { SqliteContext } from './context.js';
import { groupRateLimitOf, toJobRecord, toQueueConfig } from './rows.js';

/** What a claim leased, and when a rate limit held it back, when the next start may happen. @internal */
export interface SqliteClaim {
  jobs: JobRecord[];
  nextStartAt?: number;
}

/**
 * How many jobs the queue lets this claim start: 0 when paused or at its concurrency, never more
 * than its rate limit's tokens (the log is trimmed on the way).
 */
function freeSlots(ctx: SqliteContext, queue: string, wanted: number, now: number): Slots {
  const row = ctx.stmt('getQueue').get({ name: queue });
  if (row === undefined) return { limit: wanted }; // never configured nor added to: no limits
  const config = toQueueConfig(row);
  if (config.paused) return { limit: 0 };
  const grouped = row.grouped === 1 ? { groupLimits: { cap: row.group_concurrency, rate: groupRateLimitOf(row) } } : {};
  return { ...limitSlots(ctx, config, wanted, now), ...grouped };
}

/**
 * What the claim may take, and when the queue is grouped (its groups then take turns), its
 * per-group limits, read from the queue row already read.
 */
interface Slots {
  limit: number;
  rated?: boolean;
  nextStartAt?: number;
  groupLimits?: GroupLimits;
}

/** The concurrency and rate-limit part of {@link freeSlots}. */
function limitSlots(ctx: SqliteContext, config: QueueConfig, wanted: number, now: number): Slots {
  const queue = config.name;
  let limit = wanted;
  if (config.concurrency !== null) {
    const { n } = ctx.one('countRunning', { queue });
    limit = Math.min(limit, Math.max(0, config.concurrency - n));
  }
  const rate = config.rateLimit ?? null;
  if (rate === null || limit === 0) return { limit };
  const since = now - rate.intervalMs;
  ctx.stmt('rateStartsTrim').run({ queue, since });
  const starts = ctx
    .stmt('rateStarts')
    .all({ queue, since })
    .map((r) => r.at);
  return { ...rateLimitCap(rate, starts, now, limit), rated: true };
}

/**
 * Leases up to `p.limit` ready jobs (`queued`, `runAt <= now`) by priority descending, runAt, seq;
 * none while the queue is paused, never more than its concurrency minus the jobs running in
 * every process, nor than its rate limit's tokens (the starts logged in the last `intervalMs`,
 * counted and logged in the same transaction). Call inside `BEGIN IMMEDIATE`: the counts and the
 * lease then see the same data. Each leased job gets its own token, `attempt + 1`,
 * `startedAt = now` and `leaseExpiresAt = now + leaseMs`. Returns the leased records in claim
 * order, and `nextStartAt` when a rate limit was what held the claim back (see
 * {@link reportNext}). A grouped queue's groups take turns within each level, a named group at
 * the queue's `groupConcurrency` or without a token under its `groupRateLimit` passed over with
 * its turn kept (see claimGrouped); a queue that is not grouped runs exactly the statements it
 * ran before groups. Statements: get-queue, count-running (with a concurrency limit),
 * rate-starts-trim, rate-starts and rate-starts-add (with a rate limit), claim (or claimGrouped's
 * for a grouped queue).
 * @internal
 */
export function claimLimited(ctx: SqliteContext, p: ClaimParams): SqliteClaim {
  const wanted = Math.floor(p.limit);
  if (!(wanted > 0)) return { jobs: [] };
  const { limit, rated, nextStartAt, groupLimits } = freeSlots(ctx, p.queue, wanted, p.now);
  const claimed: GroupedClaim =
    limit === 0 ? { jobs: [] } : groupLimits !== undefined ? claimGrouped(ctx, p, limit, groupLimits) : { jobs: claimUngrouped(ctx, p, limit) };
  const { jobs } = claimed;
  if (rated === true && jobs.length > 0) ctx.stmt('rateStartsAdd').run({ queue: p.queue, now: p.now, count: jobs.length });
  return reportNext(jobs, limit, nextStartAt, claimed.nextTokenAt);
}

/**
 * The claim's report: `nextStartAt` only when a limit, not a lack of ready jobs, is what stopped
 * it. The queue's rate limit's next token when the claim took every token it had (`limit`);
 * else, when the claim came back short, the earliest next token of a group it passed over with a
 * ready job for want of one (`nextTokenAt`).
 */
function reportNext(jobs: JobRecord[], limit: number, nextStartAt: number | undefined, nextTokenAt: number | undefined): SqliteClaim {
  if (nextStartAt !== undefined && jobs.length >= limit) return { jobs, nextStartAt };
  if (nextTokenAt !== undefined && jobs.length < limit) return { jobs, nextStartAt: nextTokenAt };
  return { jobs };
}

/** Today's claim of a queue that is not grouped: one statement (claim.sql), records by the ordering rule. */
function claimUngrouped(ctx: SqliteContext, p: ClaimParams, limit: number): JobRecord[] {
  const rows = ctx.jobs('claim').all({
    queue: p.queue,
    now: p.now,
    limit,
    leaseToken: randomUUID(),
    leaseExpiresAt: p.now + p.leaseMs,
    workerId: p.workerId,
  });
  return rows.map(toJobRecord).sort(compareJobOrder);
}

/** {@link claimLimited} without the rate limit's report. @internal */
export function claimReady(ctx: SqliteContext, p: ClaimParams): JobRecord[] {
  return claimLimited(ctx, p).jobs;
}
