/**
 * Housekeeping on SQLite: the stored retention policy, the housekeeping lease (one compare-and-set
 * statement) and the bounded prune, whose deleted rows' ETA samples are kept in job_samples in
 * the same `BEGIN IMMEDIATE` transaction. `removeJobs` keeps samples the same way.
 * @module
 * @internal
 */
import {
  type HousekeepingLease,
  type HousekeepingLeaseParams,
  type KeptSample,
  newestSamples,
  type PruneFinishedParams,
  type RetentionPolicy,
  type SetRetentionParams,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import type { DeletedRow } from './rows.js';

/** Stores the queue's retention policy (set-retention.sql). @internal */
export function setRetention(ctx: SqliteContext, p: SetRetentionParams): void {
  ctx.stmt('setRetention').run({ queue: p.queue, retention: p.retention === null ? null : JSON.stringify(p.retention) });
}

/** The stored policy (get-housekeeping.sql), or null; reads only. @internal */
export function getRetention(ctx: SqliteContext, queue: string): RetentionPolicy | null {
  const row = ctx.stmt('getHousekeeping').get({ queue });
  return row?.retention == null ? null : (JSON.parse(row.retention) as RetentionPolicy);
}

/** The lease's compare-and-set (take-housekeeping-lease.sql), then the row it left. @internal */
export function takeHousekeepingLease(ctx: SqliteContext, p: HousekeepingLeaseParams): HousekeepingLease {
  const params = { queue: p.queue, holder: p.holder, now: p.now, expiresAt: p.now + p.leaseMs };
  const row = ctx.stmt('takeHousekeepingLease').get(params) ?? ctx.stmt('getHousekeeping').get({ queue: p.queue });
  const retention = row?.retention == null ? null : (JSON.parse(row.retention) as RetentionPolicy);
  return { held: row?.holder === p.holder, retention };
}

/** The samples among deleted rows: completed or failed jobs that ever started. */
function samplesOf(rows: readonly DeletedRow[]): KeptSample[] {
  const out: KeptSample[] = [];
  for (const r of rows) {
    if ((r.state !== 'completed' && r.state !== 'failed') || r.started_at === null || r.finished_at === null) continue;
    const { name, priority, size, seq } = r;
    out.push({ name, state: r.state, priority, size, createdAt: r.created_at, runAt: r.run_at, startedAt: r.started_at, finishedAt: r.finished_at, seq });
  }
  return out;
}

/**
 * Keeps the newest `limit` samples of the deleted rows in job_samples, then trims the store to
 * `limit` (keep-sample.sql, trim-samples.sql); call in the deleting transaction. @internal
 */
export function keepSamples(ctx: SqliteContext, queue: string, rows: readonly DeletedRow[], limit: number): void {
  const kept = newestSamples(samplesOf(rows), limit);
  if (kept.length === 0) return;
  const insert = ctx.stmt('keepSample');
  for (const s of kept) insert.run({ queue, ...s });
  ctx.stmt('trimSamples').run({ queue, limit });
}

/** One prune batch (prune-finished.sql) and its samples; call inside `BEGIN IMMEDIATE`. @internal */
export function pruneFinished(ctx: SqliteContext, p: PruneFinishedParams): number {
  const rows = ctx.stmt('pruneFinished').all({
    queue: p.queue,
    state: p.state,
    olderThan: p.olderThan,
    keep: p.keepNewest,
    limit: p.limit,
  });
  keepSamples(ctx, p.queue, rows, p.sampleLimit);
  return rows.length;
}
