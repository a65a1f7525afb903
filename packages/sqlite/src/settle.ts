/**
 * Settling: the transitions out of `running` (completed, failed, cancel-acknowledged, released)
 * and the claim that may follow them in the same transaction. Every write is guarded by the lease
 * token in the same statement (see the settle-*.sql headers): a guard miss writes nothing.
 * @module
 * @internal
 */
import type { JobRecord, SettleParams, SettleResult } from '@waitline/core';
import { claimLimited } from './claim.js';
import type { SqliteContext } from './context.js';
import { type JobRow, toJobRecord, toJson } from './rows.js';
import { joinTurnsOfQueued } from './turns.js';

/** Runs the settle statements of every item, in the order completed, failed, cancelled, released. */
function settleItems(ctx: SqliteContext, p: SettleParams, keep: (id: string, row: JobRow | undefined) => void): void {
  const { now, queue } = p;
  for (const item of p.completed ?? []) {
    const params = { id: item.id, queue, leaseToken: item.leaseToken, result: toJson(item.result), startedAt: item.startedAt ?? null, now };
    keep(item.id, ctx.jobs('settleComplete').get(params));
  }
  for (const item of p.failed ?? []) {
    const params = {
      id: item.id,
      queue,
      leaseToken: item.leaseToken,
      error: toJson(item.error),
      retryAt: item.retryAt,
      startedAt: item.startedAt ?? null,
      now,
    };
    keep(item.id, ctx.jobs('settleFail').get(params));
  }
  for (const item of p.cancelled ?? []) {
    const params = { id: item.id, queue, leaseToken: item.leaseToken, error: toJson(item.error), startedAt: item.startedAt ?? null, now };
    keep(item.id, ctx.jobs('settleCancel').get(params));
  }
  for (const item of p.released ?? []) {
    keep(item.id, ctx.jobs('settleRelease').get({ id: item.id, queue, leaseToken: item.leaseToken, now }));
  }
}

/**
 * Settles completed, failed, cancel-acknowledged and released attempts, then claims when
 * `p.claim` is given, so the slots just freed count. Call inside `BEGIN IMMEDIATE`: the whole
 * batch commits or none of it. A job whose guard misses lands in `lost` and is not written.
 * Statements: one guarded UPDATE per item, one turn-join per job queued again (a no-op unless the
 * queue is grouped), then the claim's (see claimLimited).
 * @internal
 */
export function settleJobs(ctx: SqliteContext, p: SettleParams): SettleResult {
  const settled: JobRecord[] = [];
  const lost: string[] = [];
  settleItems(ctx, p, (id, row) => {
    if (row === undefined) lost.push(id);
    else settled.push(toJobRecord(row));
  });
  // Retried and released jobs are queued again: in a grouped queue they join their level's turns.
  joinTurnsOfQueued(ctx, settled);
  const claim = p.claim ? claimLimited(ctx, { ...p.claim, queue: p.queue, now: p.now }) : { jobs: [] };
  const result: SettleResult = { settled, lost, claimed: claim.jobs };
  if (claim.nextStartAt !== undefined) result.nextStartAt = claim.nextStartAt;
  return result;
}
