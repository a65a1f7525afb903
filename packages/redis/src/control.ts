/**
 * Operator moves and queue configuration: cancel, retry, change priority, promote, remove by job
 * id (each one script on the job's queue, named by the caller), and a queue's stored settings
 * (create, pause, resume, drain, limits).
 * @module
 * @internal
 */
import {
  type CancelParams,
  type ChangePriorityParams,
  checkRemovableStates,
  GroupFullError,
  InvalidTransitionError,
  type JobRecord,
  type JobRef,
  JobNotFoundError,
  type PromoteParams,
  type QueueConfig,
  QueueDrainingError,
  QueueFullError,
  type QueueRateLimit,
  type RemoveParams,
  type RetryParams,
  type UpsertQueueParams,
} from '@waitline/core';
import { optionalArg, type RedisContext } from './context.js';
import { toJobRecord, toQueueConfig } from './rows.js';
import type { JobHash } from './replies.js';
import type { ScriptArg } from './scripts.js';

function field(value: number | null | undefined): string {
  if (value === undefined) return '';
  return value === null ? '-' : String(value);
}

/** A rate limit as upsert-queue.lua takes it: '' keep, '-' none, else 'max:intervalMs'. */
function rateArg(limit: QueueRateLimit | null | undefined): string {
  if (limit === undefined) return '';
  return limit === null ? '-' : `${limit.max}:${limit.intervalMs}`;
}

/**
 * Creates the queue's config or writes only the given fields, atomically; setting
 * `groupConcurrency` on a queue without one counts its groups' running jobs in the same script,
 * and removing `groupRateLimit` deletes every group's log of starts (upsert-queue.lua). @internal
 */
export async function upsertQueue(ctx: RedisContext, p: UpsertQueueParams): Promise<QueueConfig> {
  await ctx.queueNames.add(p.name);
  const paused = p.paused === undefined ? '' : p.paused ? '1' : '0';
  const maxStalls = p.maxStalls === undefined ? '' : String(p.maxStalls);
  const draining = p.draining === undefined ? '' : p.draining ? '1' : '0';
  const caps = [field(p.groupConcurrency), field(p.groupMaxWaiting), rateArg(p.groupRateLimit)];
  const args = [field(p.concurrency), field(p.maxSize), paused, maxStalls, draining, rateArg(p.rateLimit), ...caps];
  const fields = await ctx.onQueue('upsertQueue', p.name, args);
  return toQueueConfig(p.name, fields);
}

/** The by-id scripts: each replies `['ok', job]`, `['missing']` or `['invalid', state]`. */
type MoveScript = 'cancel' | 'changePriority' | 'promote';

/**
 * Runs a by-id script on the job's queue: 'ok' gives the record, 'invalid' an
 * `InvalidTransitionError` to `target`, 'missing' a `JobNotFoundError`. The script sees only its
 * own queue's keys, so a job of another queue is missing and nothing is written.
 */
async function jobMove(ctx: RedisContext, name: MoveScript, ref: JobRef, target: string, args: ScriptArg[]): Promise<JobRecord> {
  return moved(await ctx.onQueue(name, ref.queue, [ref.id, ...args]), ref, target);
}

/** A by-id script's reply as the record, or its `JobNotFoundError` / `InvalidTransitionError`. */
function moved(reply: ['ok', JobHash] | ['missing'] | ['invalid', string], ref: JobRef, target: string): JobRecord {
  if (reply[0] === 'missing') throw new JobNotFoundError(ref.id);
  if (reply[0] === 'invalid') throw new InvalidTransitionError(ref.id, reply[1], target);
  return toJobRecord(ref.queue, reply[1]);
}

/** Queued: cancelled now; running: cancel requested; cancelled: as is; otherwise throws. @internal */
export function cancelJob(ctx: RedisContext, p: CancelParams): Promise<JobRecord> {
  return jobMove(ctx, 'cancel', p, 'cancelled', [String(p.now)]);
}

/**
 * Failed or cancelled back to queued, attempts reset; refused with nothing written where an add of
 * the job would be (retry.lua): `QueueDrainingError`, `QueueFullError`, `GroupFullError`. @internal
 */
export async function retryJob(ctx: RedisContext, p: RetryParams): Promise<JobRecord> {
  const reply = await ctx.onQueue('retry', p.queue, [p.id, String(p.now), String(p.runAt ?? p.now)]);
  if (reply[0] === 'draining') throw new QueueDrainingError(p.queue);
  if (reply[0] === 'full') throw new QueueFullError(p.queue, Number(reply[1]), 'retry');
  if (reply[0] === 'groupFull') throw new GroupFullError(p.queue, reply[1], Number(reply[2]), 0, 'retry');
  return moved(reply, p, 'queued');
}

/** A queued job's new priority. @internal */
export function changePriority(ctx: RedisContext, p: ChangePriorityParams): Promise<JobRecord> {
  return jobMove(ctx, 'changePriority', p, 'queued', [String(p.priority)]);
}

/** A queued job ready now. @internal */
export function promoteJob(ctx: RedisContext, p: PromoteParams): Promise<JobRecord> {
  return jobMove(ctx, 'promote', p, 'queued', [String(p.now)]);
}

/** Deletes one batch (at most `p.limit`) of the selected jobs, never running ones (keeping samples when `p.sampleLimit` is given); returns how many. @internal */
export async function removeJobs(ctx: RedisContext, p: RemoveParams): Promise<number> {
  checkRemovableStates(p);
  const states = p.states.join(',');
  if (states === '') return 0;
  const args = [states, optionalArg(p.olderThan), String(p.limit), optionalArg(p.sampleLimit)];
  return ctx.onQueue('removeJobs', p.queue, args, [ctx.keys.samples(p.queue)]);
}
