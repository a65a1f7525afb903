/**
 * The SQLite storage's multi-statement operations, each wrapped once per connection in its own
 * transaction: `BEGIN IMMEDIATE` for writes (they serialise on SQLite's write lock, so a job is
 * never leased twice), `BEGIN DEFERRED` for reads of one snapshot.
 * @internal
 * @module
 */
import { claimReady } from './claim.js';
import type { SqliteContext } from './context.js';
import { cancelJob, changePriority, promoteJob, removeJobsChunk, retryJob, upsertQueue } from './control.js';
import { enqueueJobs } from './enqueue.js';
import { setGroup } from './group-settings.js';
import { pruneFinished, takeHousekeepingLease } from './housekeeping.js';
import { reclaimExpired, renewLeases } from './lease.js';
import { listWaiting, readGroupedPosition, readPositionInputs, readStats } from './reads.js';
import { fireSchedule, upsertSchedule } from './schedules.js';
import { settleJobs } from './settle.js';
import { importWholeJobs } from './transfer.js';

/** Wraps `fn` in a transaction of the given kind, bound to `ctx`. */
function transactional<P, R>(ctx: SqliteContext, kind: 'immediate' | 'deferred', fn: (ctx: SqliteContext, p: P) => R) {
  const tx = ctx.db.transaction(fn);
  const run = kind === 'immediate' ? tx.immediate : tx.deferred;
  return (p: P): R => run(ctx, p);
}

/** The multi-statement operations, each one transaction, built once per connection. @internal */
export function buildTransactions(ctx: SqliteContext) {
  return {
    enqueue: transactional(ctx, 'immediate', enqueueJobs),
    claim: transactional(ctx, 'immediate', claimReady),
    settle: transactional(ctx, 'immediate', settleJobs),
    renewLeases: transactional(ctx, 'immediate', renewLeases),
    cancel: transactional(ctx, 'immediate', cancelJob),
    retry: transactional(ctx, 'immediate', retryJob),
    changePriority: transactional(ctx, 'immediate', changePriority),
    promote: transactional(ctx, 'immediate', promoteJob),
    reclaimExpired: transactional(ctx, 'immediate', reclaimExpired),
    positionInputs: transactional(ctx, 'deferred', readPositionInputs),
    groupedPosition: transactional(ctx, 'deferred', readGroupedPosition),
    stats: transactional(ctx, 'deferred', readStats),
    waiting: transactional(ctx, 'deferred', listWaiting),
    importJobs: transactional(ctx, 'immediate', importWholeJobs),
    upsertQueue: transactional(ctx, 'immediate', upsertQueue),
    setGroup: transactional(ctx, 'immediate', setGroup),
    upsertSchedule: transactional(ctx, 'immediate', upsertSchedule),
    fireSchedule: transactional(ctx, 'immediate', fireSchedule),
    removeJobsChunk: transactional(ctx, 'immediate', removeJobsChunk),
    takeHousekeepingLease: transactional(ctx, 'immediate', takeHousekeepingLease),
    pruneFinished: transactional(ctx, 'immediate', pruneFinished),
  };
}
