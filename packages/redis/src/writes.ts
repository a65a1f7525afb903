/**
 * The writes a worker or producer makes: enqueue, claim, settle, renew, progress and reclaim, each
 * one script call (see the headers in `lua/scripts`).
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import {
  type EnqueueParams,
  type EnqueueResult,
  type JobRecord,
  LeaseLostError,
  type NewJob,
  type LeaseState,
  type ProgressParams,
  QueueDrainingError,
  QueueFullError,
  queuedRecord,
  type ReclaimParams,
  type RenewLeasesParams,
  type SettleParams,
  type SettleResult,
  type ClaimParams,
} from '@waitline/core';
import { optionalArg, type RedisContext, type Tagged } from './context.js';
import { toJobRecord, toJobRecords } from './records.js';
import type { ScriptArg } from './scripts.js';

/** Thrown when a batch repeats an id or reuses a stored one; nothing was written. @internal */
export class DuplicateJobIdError extends Error {
  constructor(readonly jobId: string) {
    super(`a job with id "${jobId}" already exists (or appears twice in the batch); nothing was written`);
    this.name = 'DuplicateJobIdError';
  }
}

/** The 12 script arguments of one job, in the order of enqueue.lua's header. @internal */
export function jobArgs(job: NewJob, payload: string): ScriptArg[] {
  return [
    job.id,
    job.name,
    payload,
    String(job.priority),
    String(job.runAt),
    String(job.maxAttempts),
    job.backoff ? JSON.stringify(job.backoff) : '',
    optionalArg(job.timeoutMs),
    optionalArg(job.size),
    job.idempotencyKey === null ? '' : `=${job.idempotencyKey}`,
    job.traceparent ?? '',
    job.webhook ? JSON.stringify(job.webhook) : '',
  ];
}

/**
 * The records of an enqueue reply (lib/enqueue.lua), or the typed error of a refusal (nothing was
 * written then). `payloads` are the JSON texts sent. @internal
 */
export function enqueueReply(p: EnqueueParams, payloads: readonly string[], tag: string, detail: unknown): EnqueueResult {
  if (tag === 'duplicate') throw new DuplicateJobIdError(String(detail));
  if (tag === 'draining') throw new QueueDrainingError(p.queue);
  if (tag === 'full') throw new QueueFullError(p.queue, Number(detail));
  const outcome = detail as Array<number | unknown[]>;
  const jobs = p.jobs.map((job, i) => {
    const o = outcome[i];
    if (Array.isArray(o)) return toJobRecord(p.queue, o);
    return queuedRecord(p.queue, job, Number(o), p.now, JSON.parse(payloads[i] as string));
  });
  return { jobs, inserted: outcome.map((o) => !Array.isArray(o)) };
}

/** Writes the batch in one script: all jobs or none. @internal */
export async function enqueueJobs(ctx: RedisContext, p: EnqueueParams): Promise<EnqueueResult> {
  await ctx.queueNames.add(p.queue);
  const args: ScriptArg[] = [String(p.now), String(p.jobs.length)];
  const payloads = p.jobs.map((job) => JSON.stringify(job.payload ?? null));
  p.jobs.forEach((job, i) => {
    args.push(...jobArgs(job, payloads[i] as string));
  });
  const [tag, detail] = await ctx.onQueue<Tagged>('enqueue', p.queue, args);
  return enqueueReply(p, payloads, tag, detail);
}

/** The claim arguments shared by claim.lua and settle.lua: worker, token base, lease expiry. */
function claimArgs(p: Omit<ClaimParams, 'queue' | 'limit'>): ScriptArg[] {
  return [p.workerId, randomUUID(), String(p.now + p.leaseMs)];
}

/** Leases up to `limit` ready jobs in one script. @internal */
export async function claimJobs(ctx: RedisContext, p: ClaimParams): Promise<JobRecord[]> {
  const limit = Math.floor(p.limit);
  if (!(limit > 0)) return [];
  const reply = await ctx.onQueue('claim', p.queue, [String(p.now), String(limit), ...claimArgs(p)]);
  return toJobRecords(p.queue, reply);
}

function settleItems(p: SettleParams): ScriptArg[] {
  const items: ScriptArg[] = [];
  for (const c of p.completed ?? []) items.push(c.id, c.leaseToken, JSON.stringify(c.result ?? null), optionalArg(c.startedAt));
  for (const f of p.failed ?? []) items.push(f.id, f.leaseToken, JSON.stringify(f.error), optionalArg(f.retryAt), optionalArg(f.startedAt));
  for (const c of p.cancelled ?? []) items.push(c.id, c.leaseToken, c.error ? JSON.stringify(c.error) : '', optionalArg(c.startedAt));
  for (const r of p.released ?? []) items.push(r.id, r.leaseToken);
  return items;
}

/** Settles every item and claims into the freed slots, in one script. @internal */
export async function settleJobs(ctx: RedisContext, p: SettleParams): Promise<SettleResult> {
  const counts = [p.completed, p.failed, p.cancelled, p.released].map((list) => String(list?.length ?? 0));
  const limit = p.claim ? Math.max(0, Math.floor(p.claim.limit)) : 0;
  const claim = p.claim && limit > 0 ? claimArgs({ ...p.claim, now: p.now }) : ['', '', ''];
  const args = [String(p.now), ...counts, String(limit), ...claim, ...settleItems(p)];
  const [settled, lost, claimed, nextStartAt] = await ctx.onQueue<[unknown, string[], unknown, string | null | undefined]>('settle', p.queue, args);
  const result: SettleResult = { settled: toJobRecords(p.queue, settled), lost: lost.map(String), claimed: toJobRecords(p.queue, claimed) };
  if (typeof nextStartAt === 'string') result.nextStartAt = Number(nextStartAt);
  return result;
}

type RenewReply = Array<[string, string, string]>;

/** Renews on one queue: the given leases, or every lease of the worker there. */
async function renewOnQueue(ctx: RedisContext, queue: string, p: RenewLeasesParams): Promise<RenewReply> {
  const expiresAt = String(p.now + p.leaseMs);
  const mode: ScriptArg[] = p.leases ? ['leases', String(p.leases.length), ...p.leases.flatMap((l) => [l.id, l.leaseToken])] : ['worker', p.workerId];
  return ctx.onQueue<RenewReply>('renewLeases', queue, [expiresAt, ...mode]);
}

/**
 * Renews held leases of `p.queue` in one script (a job of another queue is not in its keys, so it
 * is reported not held). @internal
 */
export async function renewLeases(ctx: RedisContext, p: RenewLeasesParams): Promise<LeaseState[]> {
  const replies = await renewOnQueue(ctx, p.queue, p);
  const leaseExpiresAt = p.now + p.leaseMs;
  return replies.map(([id, isHeld, cancelRequested]) =>
    isHeld === '1'
      ? { id, held: true, cancelRequested: cancelRequested === '1', leaseExpiresAt }
      : { id, held: false, cancelRequested: false, leaseExpiresAt: null },
  );
}

/** Writes progress under the lease guard; throws `LeaseLostError` on a miss. @internal */
export async function reportProgress(ctx: RedisContext, p: ProgressParams): Promise<JobRecord> {
  const { percent, stage, data } = p.progress;
  const progress = JSON.stringify(data === undefined ? { percent, stage, updatedAt: p.now } : { percent, stage, data, updatedAt: p.now });
  const [tag, fields] = await ctx.onQueue<Tagged>('progress', p.queue, [p.id, p.leaseToken, progress]);
  if (tag !== 'ok') throw new LeaseLostError(p.id);
  return toJobRecord(p.queue, fields as unknown[]);
}

/** Moves expired leases out of running: on `p.queue`, or on every known queue. @internal */
export async function reclaimExpired(ctx: RedisContext, p: ReclaimParams): Promise<JobRecord[]> {
  const queues = p.queue !== undefined ? [p.queue] : await ctx.queueNames.list();
  const errorPrefix = JSON.stringify(p.error).slice(0, -1);
  const moved = await Promise.all(queues.map(async (q) => toJobRecords(q, await ctx.onQueue('reclaimExpired', q, [String(p.now), errorPrefix]))));
  return moved.flat();
}
