/**
 * Lease upkeep: renewing held leases, progress written under the lease, and the sweep that moves
 * expired leases out of `running`. A worker's writes here are guarded by its lease token in the
 * same statement: a guard miss writes nothing.
 * @module
 * @internal
 */
import { type JobRecord, LeaseLostError, type LeaseState, type ProgressParams, type ReclaimParams, type RenewLeasesParams } from '@waitline/core';
import type { PgContext, SqlRow } from './context.js';
import { toJobRecord, toJson } from './rows.js';

/**
 * Extends held leases in one statement: the given ones (each guarded by its token; one state per
 * lease, `held: false` for a miss) or every lease of the worker.
 * @internal
 */
export async function renewLeases(ctx: PgContext, p: RenewLeasesParams): Promise<LeaseState[]> {
  const expires = p.now + p.leaseMs;
  const toState = (r: SqlRow<'renewLeases'>): LeaseState => ({
    id: r.id,
    held: true,
    cancelRequested: r.cancel_requested,
    leaseExpiresAt: r.lease_expires_at,
  });
  if (p.leases === undefined) {
    return (await ctx.rows('renewWorkerLeases', [p.workerId, p.queue, expires])).map(toState);
  }
  if (p.leases.length === 0) return [];
  const ids = p.leases.map((l) => l.id);
  const rows = await ctx.rows('renewLeases', [ids, p.leases.map((l) => l.leaseToken), expires, p.queue]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    return row ? toState(row) : { id, held: false, cancelRequested: false, leaseExpiresAt: null };
  });
}

/** Writes progress stamped `updatedAt = now` while the lease is held; else `LeaseLostError`. @internal */
export async function reportProgress(ctx: PgContext, p: ProgressParams): Promise<JobRecord> {
  const { percent, stage, data } = p.progress;
  const progress = data === undefined ? { percent, stage, updatedAt: p.now } : { percent, stage, data, updatedAt: p.now };
  const row = await ctx.row('reportProgress', [p.id, p.leaseToken, JSON.stringify(progress), p.queue]);
  if (row === undefined) throw new LeaseLostError(p.id);
  return toJobRecord(row.job);
}

/** Moves every expired lease's job on (see reclaim-expired.sql); the moved records by seq. @internal */
export async function reclaimExpired(ctx: PgContext, p: ReclaimParams): Promise<JobRecord[]> {
  const rows = await ctx.rows('reclaimExpired', [p.now, p.queue ?? null, toJson(p.error)]);
  return rows.map((r) => toJobRecord(r.job)).sort((a, b) => a.seq - b.seq);
}
