/**
 * Transitions out of `running` and lease upkeep. Every write here is guarded by the lease token in
 * the same statement (see the settle-*.sql, renew-lease.sql and report-progress.sql headers): a
 * guard miss writes nothing.
 * @module
 * @internal
 */
import {
  LeaseLostError,
  type JobRecord,
  type LeaseState,
  type ProgressParams,
  type ReclaimParams,
  type RenewLeasesParams,
  type SettleParams,
  type SettleResult,
} from '@waitline/core';
import { claimLimited } from './claim.js';
import type { SqliteContext } from './context.js';
import { type JobRow, toJobRecord, toJson } from './rows.js';

/** Runs the settle statements of every item, in the order completed, failed, cancelled, released. */
function settleItems(ctx: SqliteContext, p: SettleParams, keep: (id: string, row: unknown) => void): void {
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
 * Statements: one guarded UPDATE per item, then the claim's (see claimLimited).
 * @internal
 */
export function settleJobs(ctx: SqliteContext, p: SettleParams): SettleResult {
  const settled: JobRecord[] = [];
  const lost: string[] = [];
  settleItems(ctx, p, (id, row) => {
    if (row === undefined) lost.push(id);
    else settled.push(toJobRecord(row as JobRow));
  });
  const claim = p.claim ? claimLimited(ctx, { ...p.claim, queue: p.queue, now: p.now }) : { jobs: [] };
  const result: SettleResult = { settled, lost, claimed: claim.jobs };
  if (claim.nextStartAt !== undefined) result.nextStartAt = claim.nextStartAt;
  return result;
}

/**
 * Extends each lease still held to `now + leaseMs` and reports its cancel request; a lease not
 * held (reclaimed, settled, or never this token's) is reported `held: false` and not written. Call
 * inside `BEGIN IMMEDIATE`. Statements: one renew-lease per lease.
 * @internal
 */
export function renewLeases(ctx: SqliteContext, p: RenewLeasesParams): LeaseState[] {
  const leaseExpiresAt = p.now + p.leaseMs;
  if (p.leases === undefined) {
    const rows = ctx.stmt('renewWorkerLeases').all({ workerId: p.workerId, queue: p.queue, leaseExpiresAt }) as Array<{
      id: string;
      cancel_requested: number;
      lease_expires_at: number;
    }>;
    return rows.map((r) => ({ id: r.id, held: true, cancelRequested: r.cancel_requested === 1, leaseExpiresAt: r.lease_expires_at }));
  }
  return p.leases.map(({ id, leaseToken }) => {
    const row = ctx.stmt('renewLease').get({ id, queue: p.queue, leaseToken, leaseExpiresAt }) as
      | { cancel_requested: number; lease_expires_at: number }
      | undefined;
    if (row === undefined) return { id, held: false, cancelRequested: false, leaseExpiresAt: null };
    return { id, held: true, cancelRequested: row.cancel_requested === 1, leaseExpiresAt: row.lease_expires_at };
  });
}

/**
 * Writes a running job's progress (stamped `updatedAt = now`) while the lease is held; throws
 * `LeaseLostError` and writes nothing otherwise. One statement (autocommit takes the write lock
 * at its start, with the busy timeout, like `BEGIN IMMEDIATE`).
 * @internal
 */
export function reportProgress(ctx: SqliteContext, p: ProgressParams): JobRecord {
  const { percent, stage, data } = p.progress;
  const progress = data === undefined ? { percent, stage, updatedAt: p.now } : { percent, stage, data, updatedAt: p.now };
  const row = ctx.jobs('reportProgress').get({
    id: p.id,
    queue: p.queue,
    leaseToken: p.leaseToken,
    progress: JSON.stringify(progress),
  }) as JobRow | undefined;
  if (row === undefined) throw new LeaseLostError(p.id);
  return toJobRecord(row);
}

/**
 * Moves every running job whose lease expired before `now` (in `p.queue`, or every queue) to
 * `cancelled` (cancel requested), `queued` at `now` (attempts left) or `failed`, recording
 * `{ ...p.error, attempt, at: now }` on the last two. Returns the moved records by `seq`. One
 * statement (reclaim-expired.sql).
 * @internal
 */
export function reclaimExpired(ctx: SqliteContext, p: ReclaimParams): JobRecord[] {
  const rows = ctx.jobs('reclaimExpired').all({
    now: p.now,
    queue: p.queue ?? null,
    error: JSON.stringify(p.error),
  }) as JobRow[];
  return rows.map(toJobRecord).sort((a, b) => a.seq - b.seq);
}
