/**
 * Importing whole jobs (an import or a move) in one script call, all or none: the job hashes are
 * built here, the conflicts decided and the sets written by lua/scripts/import-jobs.lua.
 * @module
 * @internal
 */
import { ImportConflictError, type ImportJobsParams, type ImportJobsResult, type TransferJob } from '@waitline/core';
import type { RedisContext } from './context.js';
import type { ScriptArg } from './scripts.js';

/** Fields a job hash keeps as JSON text (rows.ts parses them back). */
const JSON_FIELDS = new Set(['payload', 'backoff', 'progress', 'result', 'error']);

/**
 * The job hash's field/value pairs: every field but null ones (absent reads as null), JSON
 * fields and objects as JSON text, `cancelRequested` as '1' only when set, numbers as their
 * decimal text. A field a later `JobRecord` gains is stored under its own name.
 * @internal
 */
export function jobHashFields(job: TransferJob): string[] {
  const out: string[] = ['payload', JSON.stringify(job.payload ?? null)];
  for (const [field, value] of Object.entries(job)) {
    if (field === 'payload' || value === null || value === undefined) continue;
    if (field === 'cancelRequested') {
      if (value === true) out.push(field, '1');
      continue;
    }
    if (JSON_FIELDS.has(field) || typeof value === 'object') out.push(field, JSON.stringify(value));
    else if (typeof value === 'boolean') out.push(field, value ? '1' : '0');
    else out.push(field, String(value));
  }
  return out;
}

function jobArgs(job: TransferJob): ScriptArg[] {
  const fields = jobHashFields(job);
  const key = job.idempotencyKey === null ? '' : `=${job.idempotencyKey}`;
  return [
    job.id,
    job.state,
    String(job.priority),
    String(job.runAt),
    job.finishedAt === null ? '' : String(job.finishedAt),
    key,
    String(fields.length / 2),
    ...fields,
  ];
}

/**
 * Writes an import call in one script: conflicts with a stored job of the queue (by id or
 * idempotency key) follow core's `planImport` rules; a `fail` conflict, or a running job met by
 * `replace`, throws `ImportConflictError` with nothing written.
 * @internal
 */
export async function importWholeJobs(ctx: RedisContext, p: ImportJobsParams): Promise<ImportJobsResult> {
  if (p.jobs.length === 0) return { imported: 0, skipped: 0, replaced: 0 };
  await ctx.queueNames.add(p.queue);
  const args: ScriptArg[] = [String(p.now), p.onConflict, String(p.jobs.length)];
  for (const job of p.jobs) args.push(...jobArgs(job));
  const reply = await ctx.onQueue('importJobs', p.queue, args);
  if (reply[0] === 'conflict') {
    const [, index, by, existingId, existingState, reason] = reply;
    const jobId = p.jobs[index]?.id ?? '';
    throw new ImportConflictError({ queue: p.queue, jobId, index, by, existingId, existingState, reason });
  }
  const [, imported, skipped, replaced] = reply;
  return { imported, skipped, replaced };
}
