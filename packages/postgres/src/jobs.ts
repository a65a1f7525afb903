/**
 * The hot path: add, claim, settle-and-claim (one round trip each, through the functions of
 * 0001_init.sql), and lease upkeep. Every write out of `running` is guarded by the lease token in
 * the same statement.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import {
  compareJobOrder,
  type ClaimParams,
  type EnqueueParams,
  type EnqueueResult,
  type JobRecord,
  LeaseLostError,
  type LeaseState,
  type ProgressParams,
  QueueDrainingError,
  QueueFullError,
  queuedRecord,
  type ReclaimParams,
  type RenewLeasesParams,
  type SettleParams,
  type SettleResult,
} from '@waitline/core';
import type { PgContext, Queryable } from './context.js';
import { type JobJson, type JobRow, toJobRecord, toJson } from './rows.js';

/** The JSON array enqueue() reads; payload and backoff travel as JSON values. */
function jobsJson(p: EnqueueParams): string {
  return JSON.stringify(
    p.jobs.map((job, i) => ({
      i,
      id: job.id,
      name: job.name,
      payload: job.payload ?? null,
      priority: job.priority,
      run_at: job.runAt,
      max_attempts: job.maxAttempts,
      backoff: job.backoff ?? null,
      timeout_ms: job.timeoutMs ?? null,
      size: job.size ?? null,
      idempotency_key: job.idempotencyKey ?? null,
      traceparent: job.traceparent ?? null,
      webhook: job.webhook ?? null,
    })),
  );
}

/** A row of the enqueue function (see its header in 0001_init.sql). */
interface EnqueueRow {
  status: 'inserted' | 'existing' | 'full' | 'draining';
  id: string | null;
  seq: number | null;
  job: JobJson | null;
}

/**
 * Writes `p.jobs` in order, all or none, in one statement: on `on` when given (a caller's
 * transaction client: the jobs commit or roll back with it, and the wake-up NOTIFY is sent only
 * at its commit), else as its own transaction on the pool. Throws `QueueDrainingError` or `QueueFullError` without
 * breaking a caller's transaction (the function deletes what it wrote instead of raising). A
 * written job's record is built here from what was sent and its `seq`, as a read would return it.
 * @internal
 */
export async function enqueue(ctx: PgContext, p: EnqueueParams, on?: Queryable): Promise<EnqueueResult> {
  if (p.jobs.length === 0) return { jobs: [], inserted: [] };
  const rows = await ctx.rows<EnqueueRow>('enqueue', [p.queue, p.now, jobsJson(p)], on);
  if (rows[0]?.status === 'draining') throw new QueueDrainingError(p.queue);
  if (rows[0]?.status === 'full') throw new QueueFullError(p.queue, rows[0].seq ?? 0);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const jobs: JobRecord[] = [];
  const inserted: boolean[] = [];
  for (const job of p.jobs) {
    const row = byId.get(job.id);
    if (row?.status === 'inserted' && row.seq !== null) {
      jobs.push(queuedRecord(p.queue, job, row.seq, p.now, JSON.parse(JSON.stringify(job.payload ?? null))));
      inserted.push(true);
    } else if (row?.status === 'existing' && row.job !== null) {
      jobs.push(toJobRecord(row.job));
      inserted.push(false);
    } else {
      throw new Error(`enqueue returned no row for job ${job.id}`);
    }
  }
  return { jobs, inserted };
}

/** The claim function's report row: when the rate limit held the claim back, the next start. */
interface NextStartJson {
  next_start_at: number;
}

function isNextStart(row: JobJson | NextStartJson): row is NextStartJson {
  return 'next_start_at' in row;
}

/** The claim function's rows as records in claim order, and the rate limit's report if any. */
function claimResult(rows: ReadonlyArray<JobJson | NextStartJson>): { claimed: JobRecord[]; nextStartAt?: number } {
  const claimed: JobRecord[] = [];
  let nextStartAt: number | undefined;
  for (const row of rows) {
    if (isNextStart(row)) nextStartAt = Number(row.next_start_at);
    else claimed.push(toJobRecord(row));
  }
  claimed.sort(compareJobOrder);
  return nextStartAt === undefined ? { claimed } : { claimed, nextStartAt };
}

/** Leases up to `p.limit` ready jobs (see the claim function's header); records in claim order. @internal */
export async function claim(ctx: PgContext, p: ClaimParams): Promise<JobRecord[]> {
  const limit = Math.floor(p.limit);
  if (!(limit > 0)) return [];
  const rows = await ctx.rows<{ job: JobJson | NextStartJson }>('claim', [p.queue, p.now, p.workerId, limit, p.leaseMs, randomUUID()]);
  return claimResult(rows.map((r) => r.job)).claimed;
}

/** A settle list as the function's JSON argument, or null when empty. */
function listJson<T>(items: T[] | undefined, map: (item: T) => Record<string, unknown>): string | null {
  return items && items.length > 0 ? JSON.stringify(items.map(map)) : null;
}

/**
 * Settles every item and claims (when `p.claim`) in one transaction and one round trip; an item
 * whose lease guard missed lands in `lost` and was not written.
 * @internal
 */
export async function settle(ctx: PgContext, p: SettleParams): Promise<SettleResult> {
  const limit = p.claim ? Math.max(0, Math.floor(p.claim.limit)) : 0;
  const rows = await ctx.rows<{ kind: string; job: JobJson | NextStartJson }>(ctx.settleCommit === 'async' ? 'settleAsync' : 'settle', [
    p.queue,
    p.now,
    listJson(p.completed, (c) => ({ id: c.id, token: c.leaseToken, result: c.result ?? null, started_at: c.startedAt ?? null })),
    listJson(p.failed, (f) => ({ id: f.id, token: f.leaseToken, error: f.error, retry_at: f.retryAt, started_at: f.startedAt ?? null })),
    listJson(p.cancelled, (c) => ({ id: c.id, token: c.leaseToken, error: c.error, started_at: c.startedAt ?? null })),
    listJson(p.released, (r) => ({ id: r.id, token: r.leaseToken })),
    p.claim?.workerId ?? null,
    limit,
    p.claim?.leaseMs ?? 0,
    randomUUID(),
  ]);
  const settled = rows.filter((r) => r.kind !== 'claimed').map((r) => toJobRecord(r.job as JobJson));
  const claim = claimResult(rows.filter((r) => r.kind === 'claimed').map((r) => r.job));
  const done = new Set(settled.map((j) => j.id));
  const items = [...(p.completed ?? []), ...(p.failed ?? []), ...(p.cancelled ?? []), ...(p.released ?? [])];
  const lost = items.filter((i) => !done.has(i.id)).map((i) => i.id);
  const result: SettleResult = { settled, lost, claimed: claim.claimed };
  if (claim.nextStartAt !== undefined) result.nextStartAt = claim.nextStartAt;
  return result;
}

interface RenewRow {
  id: string;
  cancel_requested: boolean;
  lease_expires_at: number;
}

/**
 * Extends held leases in one statement: the given ones (each guarded by its token; one state per
 * lease, `held: false` for a miss) or every lease of the worker.
 * @internal
 */
export async function renewLeases(ctx: PgContext, p: RenewLeasesParams): Promise<LeaseState[]> {
  const expires = p.now + p.leaseMs;
  const toState = (r: RenewRow): LeaseState => ({
    id: r.id,
    held: true,
    cancelRequested: r.cancel_requested,
    leaseExpiresAt: r.lease_expires_at,
  });
  if (p.leases === undefined) {
    return (await ctx.rows<RenewRow>('renewWorkerLeases', [p.workerId, p.queue, expires])).map(toState);
  }
  if (p.leases.length === 0) return [];
  const ids = p.leases.map((l) => l.id);
  const rows = await ctx.rows<RenewRow>('renewLeases', [ids, p.leases.map((l) => l.leaseToken), expires, p.queue]);
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
  const row = await ctx.row<JobRow>('reportProgress', [p.id, p.leaseToken, JSON.stringify(progress), p.queue]);
  if (row === undefined) throw new LeaseLostError(p.id);
  return toJobRecord(row.job);
}

/** Moves every expired lease's job on (see reclaim-expired.sql); the moved records by seq. @internal */
export async function reclaimExpired(ctx: PgContext, p: ReclaimParams): Promise<JobRecord[]> {
  const rows = await ctx.rows<JobRow>('reclaimExpired', [p.now, p.queue ?? null, toJson(p.error)]);
  return rows.map((r) => toJobRecord(r.job)).sort((a, b) => a.seq - b.seq);
}
