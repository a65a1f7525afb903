/**
 * Position and the inputs of the ETA, read with the same ordering rule and index as the claim.
 * @module
 * @internal
 */
import type { AheadWork, JobRecord, PositionInputs, PositionParams } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { type JobRow, type RunningRow, toJobRecord, toRunningSample } from './rows.js';
import { liveWorkers, queueConfig, recentFinished } from './stats.js';

/**
 * A job's 1-based position among its queue's ready jobs, or null when it is unknown, not queued,
 * scheduled, or of another queue. One statement (position.sql): two index-only counts on jobs_queued.
 * @internal
 */
export function readPosition(ctx: SqliteContext, p: { queue: string; id: string; now: number }): number | null {
  const row = ctx.stmt('position').get({ id: p.id, queue: p.queue, now: p.now }) as { position: number } | undefined;
  return row === undefined ? null : row.position;
}

function aheadWork(ctx: SqliteContext, job: JobRecord, now: number): AheadWork[] {
  const rows = ctx.stmt('aheadWork').all({
    queue: job.queue,
    priority: job.priority,
    runAt: job.runAt,
    seq: job.seq,
    now,
  }) as Array<{ name: string; count: number; sized_count: number; size_sum: number }>;
  return rows.map((r) => ({ name: r.name, count: r.count, sizedCount: r.sized_count, sizeSum: r.size_sum }));
}

function aheadJobs(ctx: SqliteContext, queue: string, ahead: number, now: number): PositionInputs['aheadJobs'] {
  if (ahead === 0) return [];
  const rows = ctx.stmt('aheadJobs').all({ queue, now, limit: ahead }) as Array<{ name: string; size: number | null }>;
  return rows.map((r) => ({ name: r.name, size: r.size }));
}

/**
 * Everything a job's position and ETA are computed from, from one snapshot (call inside a read
 * transaction): the job; `ahead` (position - 1, null unless queued and ready); the work ahead
 * grouped by name over exactly those jobs; each of them in claim order when there are at most
 * `aheadListLimit`; the queue's running jobs; its recent finishes; its configuration; its live
 * workers. Null for an unknown id or a job of another queue. Statements: get-job, ahead-work
 * (its counts sum to `ahead`: the ranges position.sql counts) and ahead-jobs (both only for a
 * ready job, ahead-jobs only under the list limit), running-samples, recent-finished, get-queue,
 * live-workers.
 * @internal
 */
export function readPositionInputs(ctx: SqliteContext, p: PositionParams): PositionInputs | null {
  const row = ctx.jobs('getJob').get({ id: p.id }) as JobRow | undefined;
  if (row === undefined || row[2] !== p.queue) return null;
  const job = toJobRecord(row);
  // The work ahead covers the same two ranges position.sql counts, so the position is its sum:
  // one scan of jobs_queued instead of two.
  const work = job.state === 'queued' && job.runAt <= p.now ? aheadWork(ctx, job, p.now) : null;
  const ahead = work === null ? null : work.reduce((n, w) => n + w.count, 0);
  const running = ctx.stmt('runningSamples').all({ queue: job.queue }) as RunningRow[];
  return {
    job,
    ahead,
    aheadWork: work ?? [],
    aheadJobs: ahead === null || ahead > p.aheadListLimit ? null : aheadJobs(ctx, job.queue, ahead, p.now),
    running: running.map(toRunningSample),
    recent: recentFinished(ctx, job.queue, p.sampleLimit),
    config: queueConfig(ctx, job.queue),
    liveWorkers: liveWorkers(ctx, job.queue, p.now, p.workerStaleMs),
  };
}
