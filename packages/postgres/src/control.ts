/**
 * Operator moves and queue configuration: cancel, change priority, promote, remove (retry by hand
 * is in retry.ts), and a queue's stored settings (create, pause, resume, drain, limits, group
 * weights). Each transition is one guarded statement; on a miss the job is read to raise the
 * precise error.
 * @module
 * @internal
 */
import {
  type CancelParams,
  type ChangePriorityParams,
  InvalidTransitionError,
  JobNotFoundError,
  type JobRecord,
  type JobState,
  type PromoteParams,
  type QueueConfig,
  type RemoveParams,
  type SetGroupParams,
  type UpsertQueueParams,
  checkRemovableStates,
} from '@waitline/core';
import type { PgContext, Queryable, SqlParams } from './context.js';
import { removeJobsChunk } from './housekeeping.js';
import { type QueueRow, toJobRecord, toQueueConfig } from './rows.js';

/** Reads a job of `queue` or throws `JobNotFoundError` (also for a job of another queue). @internal */
export async function getJobOrThrow(ctx: PgContext, queue: string, id: string): Promise<JobRecord> {
  const row = await ctx.row('getJob', [id]);
  if (row === undefined || row.job.queue !== queue) throw new JobNotFoundError(id);
  return toJobRecord(row.job);
}

/** The guarded transitions whose values are `[id, value, queue]` and whose row holds the `job`. */
type Transition = 'changePriority' | 'promoteJob';

/**
 * Runs a guarded transition whose values are `[id, value, queue]`; on a miss throws
 * `JobNotFoundError` or `InvalidTransitionError`.
 */
async function transition<N extends Transition>(ctx: PgContext, sql: N, values: SqlParams<N>, to: JobState): Promise<JobRecord> {
  const [id, , queue] = values;
  const row = await ctx.row(sql, values);
  if (row !== undefined) return toJobRecord(row.job);
  const job = await getJobOrThrow(ctx, queue, id);
  throw new InvalidTransitionError(id, job.state, to);
}

/**
 * Creates the queue or writes the fields given; resuming sends a wake-up at commit. Setting
 * draining to true first takes the queue's drain fence in the same transaction, so it returns
 * once every add that had read the flag as false has committed or rolled back. Removing the rate
 * limit (`rateLimit: null`) clears the queue's log of starts in the same transaction
 * (rate-starts-clear.sql), and removing the group rate limit (`groupRateLimit: null`) every
 * group's log (group-rate-starts-clear.sql). @internal
 */
export async function upsertQueue(ctx: PgContext, p: UpsertQueueParams): Promise<QueueConfig> {
  if (p.draining !== true && p.rateLimit !== null && p.groupRateLimit !== null) {
    return toQueueConfig(await upsertRow(ctx, p));
  }
  return ctx.transaction('READ WRITE', async (client) => {
    if (p.draining === true) await ctx.row('drainFence', [p.name], client);
    const row = await upsertRow(ctx, p, client);
    if (p.rateLimit === null) await ctx.rows('rateStartsClear', [p.name], client);
    if (p.groupRateLimit === null) await ctx.rows('groupRateStartsClear', [p.name], client);
    return toQueueConfig(row);
  });
}

/**
 * Stores a named group's weight, or removes its settings with null (back to weight 1); creates a
 * missing queue with the defaults. A weight is one statement (group-settings-set.sql); a removal
 * is one transaction that locks the queue row, deletes, then recounts the queue's `weighted` flag
 * (group-settings-unset.sql, group-settings-flag.sql). Either way `weighted` is true exactly while
 * the queue has stored settings once the call returns, which is what lets a queue without weights
 * claim with 0013's statements. @internal
 */
export async function setGroup(ctx: PgContext, p: SetGroupParams): Promise<void> {
  if (p.settings !== null) {
    await ctx.rows('groupSettingsSet', [p.queue, p.group, p.settings.weight, p.now]);
    return;
  }
  await ctx.transaction('READ WRITE', async (client) => {
    await ctx.rows('groupSettingsUnset', [p.queue, p.group, p.now], client);
    await ctx.rows('groupSettingsFlag', [p.queue], client);
  });
}

/** Runs upsert-queue.sql (on `on`, the pool by default); it returns the stored row on every call. */
async function upsertRow(ctx: PgContext, p: UpsertQueueParams, on?: Queryable): Promise<QueueRow> {
  const row = await ctx.row('upsertQueue', upsertValues(p), on);
  if (row === undefined) throw new Error(`upsert-queue returned no row for "${p.name}"`);
  return row;
}

/** The parameters of upsert-queue.sql. */
function upsertValues(p: UpsertQueueParams): SqlParams<'upsertQueue'> {
  return [
    p.name,
    p.concurrency !== undefined,
    p.concurrency ?? null,
    p.maxSize !== undefined,
    p.maxSize ?? null,
    p.paused !== undefined,
    p.paused ?? false,
    p.now,
    p.maxStalls !== undefined,
    p.maxStalls ?? null,
    p.draining !== undefined,
    p.draining ?? false,
    p.rateLimit !== undefined,
    p.rateLimit?.max ?? null,
    p.rateLimit?.intervalMs ?? null,
    p.groupConcurrency !== undefined,
    p.groupConcurrency ?? null,
    p.groupMaxWaiting !== undefined,
    p.groupMaxWaiting ?? null,
    p.groupRateLimit !== undefined,
    p.groupRateLimit?.max ?? null,
    p.groupRateLimit?.intervalMs ?? null,
  ];
}

/**
 * Cancels: queued ends `cancelled`; running gets `cancelRequested` and its worker a NOTIFY at
 * commit; a cancelled job is returned as is; completed and failed are `InvalidTransitionError`.
 * @internal
 */
export async function cancelJob(ctx: PgContext, p: CancelParams): Promise<JobRecord> {
  const row = await ctx.row('cancelJob', [p.id, p.now, p.queue]);
  if (row !== undefined) return toJobRecord(row.job);
  const job = await getJobOrThrow(ctx, p.queue, p.id);
  if (job.state === 'cancelled') return job;
  throw new InvalidTransitionError(p.id, job.state, 'cancelled');
}

/** A queued job's new priority. @internal */
export function changePriority(ctx: PgContext, p: ChangePriorityParams): Promise<JobRecord> {
  return transition(ctx, 'changePriority', [p.id, p.priority, p.queue], 'queued');
}

/** A queued job ready now (`runAt = min(runAt, now)`). @internal */
export function promoteJob(ctx: PgContext, p: PromoteParams): Promise<JobRecord> {
  return transition(ctx, 'promoteJob', [p.id, p.now, p.queue], 'queued');
}

/** One batch (at most `p.limit`) of a removal, never running jobs; its samples kept when `p.sampleLimit` is given. @internal */
export async function removeJobs(ctx: PgContext, p: RemoveParams): Promise<number> {
  checkRemovableStates(p);
  if (p.states.length === 0) return 0;
  return removeJobsChunk(ctx, p, p.limit);
}
