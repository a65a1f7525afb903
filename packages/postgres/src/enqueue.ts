/**
 * Adding jobs: one round trip through the enqueue function of `sql/functions/enqueue.sql`, on the
 * pool or inside a caller's transaction; idempotency keys, `maxSize`, `groupMaxWaiting` and
 * draining are decided there.
 * @module
 * @internal
 */
import { type EnqueueParams, type EnqueueResult, GroupFullError, type JobRecord, QueueDrainingError, QueueFullError, queuedRecord } from '@waitline/core';
import type { PgContext, Queryable } from './context.js';
import { type EnqueueRow, toJobRecord } from './rows.js';

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
      grp: job.group ?? null,
    })),
  );
}

/** Throws the refusal the function reported in place of rows (draining, full queue, full group). */
function throwRefusal(queue: string, row: EnqueueRow | undefined): void {
  if (row?.status === 'draining') throw new QueueDrainingError(queue);
  if (row?.status === 'full') throw new QueueFullError(queue, row.seq ?? 0);
  if (row?.status === 'group_full') throw new GroupFullError(queue, row.id, row.seq, row.job.index);
}

/**
 * Writes `p.jobs` in order, all or none, in one statement: on `on` when given (a caller's
 * transaction client: the jobs commit or roll back with it, and the wake-up NOTIFY is sent only
 * at its commit), else as its own transaction on the pool. Throws `QueueDrainingError`,
 * `QueueFullError` or `GroupFullError` (a group past `groupMaxWaiting`, with the offending job's
 * index) without breaking a caller's transaction (the function deletes what it wrote instead of
 * raising). A written job's record is built here from what was sent and its `seq`, as a read
 * would return it.
 * @internal
 */
export async function enqueue(ctx: PgContext, p: EnqueueParams, on?: Queryable): Promise<EnqueueResult> {
  if (p.jobs.length === 0) return { jobs: [], inserted: [] };
  const rows = await ctx.rows('enqueue', [p.queue, p.now, jobsJson(p)], on);
  throwRefusal(p.queue, rows[0]);
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
