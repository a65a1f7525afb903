/**
 * Housekeeping on Postgres: the stored retention policy, the housekeeping lease (one
 * compare-and-set statement, whose holder also folds the position counts) and the bounded
 * prune, whose deleted rows' ETA samples are kept in job_samples by the same statement and
 * trimmed in the same transaction. `removeJobs` keeps samples the same way.
 * @module
 * @internal
 */
import type { HousekeepingLease, HousekeepingLeaseParams, PruneFinishedParams, RemoveParams, RetentionPolicy, SetRetentionParams } from '@waitline/core';
import type { PgContext, SqlParams } from './context.js';

/** Stores the queue's retention policy (set-retention.sql). @internal */
export async function setRetention(ctx: PgContext, p: SetRetentionParams): Promise<void> {
  await ctx.rows('setRetention', [p.queue, p.retention === null ? null : JSON.stringify(p.retention)]);
}

/** The stored policy (get-retention.sql), or null; reads only. @internal */
export async function getRetention(ctx: PgContext, queue: string): Promise<RetentionPolicy | null> {
  return (await ctx.row('getRetention', [queue]))?.retention ?? null;
}

/** Rows of queued_counts one fold statement moves at most (fold_queued_counts). */
const FOLD_LIMIT = 10_000;
/** Fold statements one housekeeping pass runs at most (a pass comes every 10 s). */
const FOLD_ROUNDS = 20;

/**
 * Folds the queue's per-connection count rows, a bounded statement at a time, until one comes
 * back short or the pass has run FOLD_ROUNDS of them: a busy queue (many connections adding and
 * claiming across many buckets) can write more than one statement's worth between two passes.
 */
async function foldCounts(ctx: PgContext, queue: string): Promise<void> {
  for (let round = 0; round < FOLD_ROUNDS; round++) {
    const row = await ctx.row('foldQueuedCounts', [queue, FOLD_LIMIT]);
    if ((row?.moved ?? 0) < FOLD_LIMIT) return;
  }
}

/**
 * The lease's compare-and-set and the stored policy (take-housekeeping-lease.sql). The holder
 * (not a release, `leaseMs` 0) also folds the queue's position counts ({@link foldCounts}), so
 * the rows a position reads stay about one per bucket. @internal
 */
export async function takeHousekeepingLease(ctx: PgContext, p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
  const row = await ctx.row('takeHousekeepingLease', [p.queue, p.holder, p.now, p.now + p.leaseMs]);
  const held = row?.held === true;
  if (held && p.leaseMs > 0) await foldCounts(ctx, p.queue);
  return { held, retention: row?.retention ?? null };
}

/**
 * Runs one deleting statement (prune-finished.sql or remove-jobs.sql, which keep the samples of
 * what they delete) and, when it kept any, trim-samples.sql, in one transaction; returns how many
 * jobs were deleted.
 */
function deleteKeeping<N extends 'pruneFinished' | 'removeJobs'>(
  ctx: PgContext,
  name: N,
  values: SqlParams<N>,
  queue: string,
  sampleLimit: number | null,
): Promise<number> {
  return ctx.transaction('', async (client) => {
    const row = await ctx.row(name, values, client);
    if ((row?.kept ?? 0) > 0 && sampleLimit !== null) await ctx.rows('trimSamples', [queue, sampleLimit], client);
    return row?.n ?? 0;
  });
}

/** One prune batch and its samples, in one transaction. @internal */
export function pruneFinished(ctx: PgContext, p: PruneFinishedParams): Promise<number> {
  const values: SqlParams<'pruneFinished'> = [p.queue, p.state, p.olderThan, p.keepNewest, p.limit, p.sampleLimit];
  return deleteKeeping(ctx, 'pruneFinished', values, p.queue, p.sampleLimit);
}

/** One chunk of a removal (remove-jobs.sql), its samples kept when `p.sampleLimit` is given. @internal */
export function removeJobsChunk(ctx: PgContext, p: RemoveParams, chunk: number): Promise<number> {
  const sampleLimit = p.sampleLimit ?? null;
  return deleteKeeping(ctx, 'removeJobs', [p.queue, p.states, p.olderThan ?? null, chunk, sampleLimit], p.queue, sampleLimit);
}
