/**
 * Importing whole jobs (an import or a move): conflicts decided by core's `planImport`, then the
 * replaced jobs removed and the new ones written, in the caller's `BEGIN IMMEDIATE` transaction.
 * @module
 * @internal
 */
import { type ImportJobsParams, type ImportJobsResult, planImport, type StoredConflict, type TransferJob } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { readOrCreateQueue } from './enqueue.js';
import { toJson } from './rows.js';
import { joinTurn, markGrouped } from './turns.js';

function storedConflicts(ctx: SqliteContext, p: ImportJobsParams): StoredConflict[] {
  const keys = p.jobs.flatMap((j) => (j.idempotencyKey === null ? [] : [j.idempotencyKey]));
  const rows = ctx.stmt('importConflicts').all({ queue: p.queue, ids: JSON.stringify(p.jobs.map((j) => j.id)), keys: JSON.stringify(keys) });
  return rows.map((r) => ({ id: r.id, queue: r.queue, state: r.state, idempotencyKey: r.idempotency_key }));
}

function insertWhole(ctx: SqliteContext, queue: string, job: TransferJob): void {
  ctx.stmt('importJob').run({
    id: job.id,
    queue,
    name: job.name,
    payload: JSON.stringify(job.payload ?? null),
    state: job.state,
    priority: job.priority,
    runAt: job.runAt,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    backoff: toJson(job.backoff),
    timeoutMs: job.timeoutMs,
    size: job.size,
    idempotencyKey: job.idempotencyKey,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    cancelRequested: job.cancelRequested ? 1 : 0,
    progress: toJson(job.progress),
    result: toJson(job.result),
    error: toJson(job.error),
    stalls: job.stalls,
    traceparent: job.traceparent,
    webhook: toJson(job.webhook ?? null),
    grp: job.group ?? null,
  });
}

/**
 * Writes an import call, all or none; call inside `BEGIN IMMEDIATE` (a thrown
 * `ImportConflictError` rolls it back). Statements: get-queue (ensure-queue on a new queue),
 * import-conflicts, import-remove when replacing, one import-job per job written; the first
 * grouped job makes the queue grouped (mark-grouped, stamp-default-group) and in a grouped queue
 * each queued job written joins its level's turns (turn-join).
 * @internal
 */
export function importWholeJobs(ctx: SqliteContext, p: ImportJobsParams): ImportJobsResult {
  if (p.jobs.length === 0) return { imported: 0, skipped: 0, replaced: 0 };
  let grouped = readOrCreateQueue(ctx, p.queue, p.now).grouped === 1;
  const plan = planImport(p.queue, p.jobs, storedConflicts(ctx, p), p.onConflict);
  if (plan.removes.length > 0) ctx.stmt('importRemove').run({ ids: JSON.stringify(plan.removes) });
  for (const { job } of plan.writes) {
    insertWhole(ctx, p.queue, job);
    const group = job.group ?? null;
    if (!grouped && group !== null) {
      markGrouped(ctx, p.queue);
      grouped = true;
    }
    // Stamps do not travel: imported groups join in the order of their first waiting line.
    if (grouped && job.state === 'queued') joinTurn(ctx, p.queue, group, job.priority);
  }
  return { imported: plan.writes.length, skipped: plan.skipped, replaced: plan.replaced };
}
