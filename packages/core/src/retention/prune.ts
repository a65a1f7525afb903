/**
 * Applying a queue's retention: take the housekeeping lease, then prune each state the stored
 * policy names in bounded batches (by age, then by count), with a pause between batches and the
 * lease renewed before each, so a prune never holds a write lock long and one worker at a time
 * prunes a queue. Every storage runs the same pass; it only supplies the lease and the batch.
 * @module
 */
import { z } from 'zod';
import { parseOptions, storableText } from '../options.js';
import type { Queue } from '../queue.js';
import { STATS_SAMPLE_LIMIT } from '../stats.js';
import { RETENTION_STATES, type RetentionPolicy, type RetentionState } from './policy.js';

/** Most jobs one prune statement or script deletes. */
export const RETENTION_BATCH = 1_000;
/** How long a housekeeping lease lasts unless renewed: a dead holder's queue is pruned again after this. */
export const HOUSEKEEPING_LEASE_MS = 30_000;
/** The pause between two prune batches, so claims and adds of other processes go on. */
export const RETENTION_PAUSE_MS = 20;

/** Options of {@link applyRetention}. */
export interface RetentionPassOptions {
  /** Who prunes: a worker id, stored as the lease's holder. */
  holder: string;
  /** The lease's length; {@link HOUSEKEEPING_LEASE_MS} by default. */
  leaseMs?: number;
  /** The pause between batches; {@link RETENTION_PAUSE_MS} by default. */
  pauseMs?: number;
  /** Most jobs per batch; the storage's `capabilities.pruneBatch`, else {@link RETENTION_BATCH}, by default. */
  batch?: number;
  /** Ends the pass before its next batch once aborted (a closing worker); the batches done stay done. */
  signal?: AbortSignal;
}

/** What one pass did: whether this holder held the lease, and how many jobs it removed per state. */
export interface RetentionPass {
  held: boolean;
  removed: Record<RetentionState, number>;
}

const passOptionsSchema = z
  .object({
    holder: storableText(200),
    leaseMs: z.number().int().min(0).max(86_400_000).optional(),
    pauseMs: z.number().int().min(0).max(60_000).optional(),
    batch: z.number().int().min(1).max(100_000).optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'signal must be an AbortSignal').optional(),
  })
  .strict();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One pass's state: the queue, its options resolved, and the lease still held. */
interface PassContext {
  queue: Queue;
  holder: string;
  leaseMs: number;
  pauseMs: number;
  batch: number;
  held: boolean;
  signal: AbortSignal | undefined;
}

/** Renews the lease before a later batch; false (and the pass stops) once another holder has it or the pass is aborted. */
async function renew(ctx: PassContext): Promise<boolean> {
  if (ctx.pauseMs > 0) await sleep(ctx.pauseMs);
  if (ctx.signal?.aborted) return false;
  const lease = await ctx.queue.storage.takeHousekeepingLease({ queue: ctx.queue.name, holder: ctx.holder, leaseMs: ctx.leaseMs, now: ctx.queue.clock.now() });
  ctx.held = lease.held;
  return lease.held;
}

/** Prunes one cut in batches until a batch comes back short; returns how many were removed. */
async function pruneCut(ctx: PassContext, state: RetentionState, olderThan: number | null, keepNewest: number | null): Promise<number> {
  let removed = 0;
  for (;;) {
    if (removed > 0 && !(await renew(ctx))) return removed;
    const n = await ctx.queue.storage.pruneFinished({ queue: ctx.queue.name, state, olderThan, keepNewest, limit: ctx.batch, sampleLimit: STATS_SAMPLE_LIMIT });
    removed += n;
    if (n < ctx.batch) return removed;
  }
}

/** True while the pass may run another batch: the lease still held, the pass not aborted. */
function going(ctx: PassContext): boolean {
  return ctx.held && ctx.signal?.aborted !== true;
}

/** Prunes every state the policy names: by age, then by count. */
async function prunePolicy(ctx: PassContext, policy: RetentionPolicy, now: number, removed: Record<RetentionState, number>): Promise<void> {
  for (const state of RETENTION_STATES) {
    const rule = policy[state];
    if (rule?.maxAgeMs !== undefined && going(ctx)) removed[state] += await pruneCut(ctx, state, now - rule.maxAgeMs, null);
    if (rule?.maxCount !== undefined && going(ctx)) removed[state] += await pruneCut(ctx, state, null, rule.maxCount);
  }
}

/**
 * Runs one retention pass on `queue` by its stored policy, when `options.holder` gets (or already
 * has) the queue's housekeeping lease; otherwise removes nothing and answers `held: false`. Of
 * several workers calling it at once, at most one prunes. Queued and running jobs are never
 * removed; removed completed and failed jobs leave their ETA samples behind. Workers call it on
 * their own (see `Worker`); call it yourself to prune at a moment of your choosing. Bad options
 * (`holder` 1-200 characters, `batch` 1-100,000, `leaseMs` and `pauseMs` integers from 0) are a
 * `ValidationError` at `['options', ...]` before anything is written.
 */
export async function applyRetention(queue: Queue, options: RetentionPassOptions): Promise<RetentionPass> {
  parseOptions(passOptionsSchema, options, 'retention pass options', ['options']);
  const removed: Record<RetentionState, number> = { completed: 0, failed: 0, cancelled: 0 };
  const ctx: PassContext = {
    queue,
    holder: options.holder,
    leaseMs: options.leaseMs ?? HOUSEKEEPING_LEASE_MS,
    pauseMs: options.pauseMs ?? RETENTION_PAUSE_MS,
    batch: options.batch ?? queue.storage.capabilities.pruneBatch ?? RETENTION_BATCH,
    held: false,
    signal: options.signal,
  };
  const now = queue.clock.now();
  const lease = await queue.storage.takeHousekeepingLease({ queue: queue.name, holder: ctx.holder, leaseMs: ctx.leaseMs, now });
  ctx.held = lease.held;
  if (lease.held && lease.retention !== null) await prunePolicy(ctx, lease.retention, now, removed);
  return { held: lease.held, removed };
}
