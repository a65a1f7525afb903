/**
 * Lease upkeep: renewing held leases, progress written under the lease, and the sweep that moves
 * expired leases out of `running`. A worker's writes here are guarded by its lease token in the
 * same statement (see the renew-lease.sql and report-progress.sql headers): a guard miss writes
 * nothing.
 * @module
 * @internal
 */
import { LeaseLostError, type JobRecord, type LeaseState, type ProgressParams, type ReclaimParams, type RenewLeasesParams } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { toJobRecord } from './rows.js';
import { joinTurnsOfQueued } from './turns.js';

/**
 * Extends each lease still held to `now + leaseMs` and reports its cancel request; a lease not
 * held (reclaimed, settled, or never this token's) is reported `held: false` and not written. Call
 * inside `BEGIN IMMEDIATE`. Statements: one renew-lease per lease.
 * @internal
 */
export function renewLeases(ctx: SqliteContext, p: RenewLeasesParams): LeaseState[] {
  const leaseExpiresAt = p.now + p.leaseMs;
  if (p.leases === undefined) {
    const rows = ctx.stmt('renewWorkerLeases').all({ workerId: p.workerId, queue: p.queue, leaseExpiresAt });
    return rows.map((r) => ({ id: r.id, held: true, cancelRequested: r.cancel_requested === 1, leaseExpiresAt: r.lease_expires_at }));
  }
  return p.leases.map(({ id, leaseToken }) => {
    const row = ctx.stmt('renewLease').get({ id, queue: p.queue, leaseToken, leaseExpiresAt });
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
  });
  if (row === undefined) throw new LeaseLostError(p.id);
  return toJobRecord(row);
}

/**
 * Moves every running job whose lease expired before `now` (in `p.queue`, or every queue) to
 * `cancelled` (cancel requested), `queued` at `now` (attempts left) or `failed`, recording
 * `{ ...p.error, attempt, at: now }` on the last two. Returns the moved records by `seq`. One
 * statement (reclaim-expired.sql), then one turn-join per job handed back to `queued` (a no-op
 * unless its queue is grouped): call inside `BEGIN IMMEDIATE`.
 * @internal
 */
export function reclaimExpired(ctx: SqliteContext, p: ReclaimParams): JobRecord[] {
  const rows = ctx.jobs('reclaimExpired').all({
    now: p.now,
    queue: p.queue ?? null,
    error: JSON.stringify(p.error),
  });
  const records = rows.map(toJobRecord).sort((a, b) => a.seq - b.seq);
  joinTurnsOfQueued(ctx, records);
  return records;
}
