/**
 * Importing whole jobs (an import or a move) in one transaction: the stored jobs met are locked,
 * core's `planImport` decides, then the replaced jobs are removed and the batch written in one
 * statement.
 * @module
 * @internal
 */
import { type ImportJobsParams, type ImportJobsResult, planImport, type StoredConflict, type TransferJob } from '@waitline/core';
import type pg from 'pg';
import type { PgContext } from './context.js';

/** The JSON array import-jobs.sql reads: every column by name, JSON columns as JSON values. */
function jobsJson(writes: ReadonlyArray<{ job: TransferJob }>): string {
  return JSON.stringify(
    writes.map(({ job }, i) => ({
      i,
      id: job.id,
      name: job.name,
      payload: job.payload ?? null,
      state: job.state,
      priority: job.priority,
      run_at: job.runAt,
      attempt: job.attempt,
      max_attempts: job.maxAttempts,
      backoff: job.backoff,
      timeout_ms: job.timeoutMs,
      size: job.size,
      idempotency_key: job.idempotencyKey,
      created_at: job.createdAt,
      started_at: job.startedAt,
      finished_at: job.finishedAt,
      cancel_requested: job.cancelRequested,
      progress: job.progress,
      result: job.result ?? null,
      error: job.error,
      stalls: job.stalls,
      traceparent: job.traceparent,
      webhook: job.webhook ?? null,
      grp: job.group ?? null,
    })),
  );
}

async function storedConflicts(ctx: PgContext, p: ImportJobsParams, client: pg.PoolClient): Promise<StoredConflict[]> {
  const ids = p.jobs.map((j) => j.id);
  const keys = p.jobs.flatMap((j) => (j.idempotencyKey === null ? [] : [j.idempotencyKey]));
  const rows = await ctx.rows('importConflicts', [p.queue, ids, keys], client);
  return rows.map((r) => ({ id: r.id, queue: r.queue, state: r.state, idempotencyKey: r.idempotency_key }));
}

/**
 * Makes the written jobs take turns, in the import's transaction: a batch holding a group marks
 * the queue grouped first (group-mark.sql); in a grouped queue each queued job's group joins its
 * level's rotation in seq order when it has no stamp (group-join.sql), as fresh adds would.
 */
async function joinTurns(ctx: PgContext, queue: string, writes: ReadonlyArray<{ job: TransferJob }>, client: pg.PoolClient): Promise<void> {
  const ids = writes.map((w) => w.job.id);
  if (writes.some((w) => (w.job.group ?? null) !== null)) await ctx.rows('groupMark', [queue, ids], client);
  await ctx.rows('groupJoin', [queue, ids], client);
}

/** Transactions an import call runs at most when other writers keep taking its ids or keys first. */
const IMPORT_TRIES = 5;

/** True for a unique violation (SQLSTATE 23505): another transaction wrote a row this one also writes. */
const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === '23505';

/**
 * Writes an import call, all or none, in one READ WRITE transaction (see {@link importOnce}).
 * FOR UPDATE locks only the stored jobs it finds, so a job another transaction adds or imports
 * with one of the call's ids or keys after that read makes the insert fail with a unique
 * violation once that transaction commits: the call is then run again, from its conflict check,
 * which now sees that job and decides it by `onConflict` as it decides any stored job.
 * @internal
 */
export async function importWholeJobs(ctx: PgContext, p: ImportJobsParams): Promise<ImportJobsResult> {
  if (p.jobs.length === 0) return { imported: 0, skipped: 0, replaced: 0 };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await importOnce(ctx, p);
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= IMPORT_TRIES) throw err;
    }
  }
}

/**
 * One transaction of an import call: import-ensure-queue, import-conflicts (FOR UPDATE),
 * import-remove when replacing, import-jobs. A thrown `ImportConflictError` rolls it back.
 */
function importOnce(ctx: PgContext, p: ImportJobsParams): Promise<ImportJobsResult> {
  return ctx.transaction('READ WRITE', async (client) => {
    await ctx.rows('importEnsureQueue', [p.queue, p.now], client);
    const plan = planImport(p.queue, p.jobs, await storedConflicts(ctx, p, client), p.onConflict);
    if (plan.removes.length > 0) await ctx.rows('importRemove', [plan.removes], client);
    if (plan.writes.length > 0) {
      await ctx.rows('importJobs', [p.queue, jobsJson(plan.writes)], client);
      await joinTurns(ctx, p.queue, plan.writes, client);
    }
    return { imported: plan.writes.length, skipped: plan.skipped, replaced: plan.replaced };
  });
}
