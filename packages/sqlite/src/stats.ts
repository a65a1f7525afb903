/**
 * Queue statistics and the shared reads they and the ETA use: recent finishes, live workers,
 * the stored configuration.
 * @module
 * @internal
 */
import { JOB_STATES, type FinishedSample, type QueueConfig, type RawQueueStats, type StatsParams, type WorkerInfo } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { defaultQueueConfig, type FinishedRow, type QueueRow, toFinishedSample, toQueueConfig, toWorkerInfo, type WorkerRow } from './rows.js';

/** The queue's stored configuration, or the defaults when it has no row. @internal */
export function queueConfig(ctx: SqliteContext, name: string): QueueConfig {
  const row = ctx.stmt('getQueue').get({ name }) as QueueRow | undefined;
  return row === undefined ? defaultQueueConfig(name) : toQueueConfig(row);
}

/** The last `limit` completed or failed jobs of the queue, newest finish first. @internal */
export function recentFinished(ctx: SqliteContext, queue: string, limit: number): FinishedSample[] {
  if (!(limit > 0)) return [];
  const rows = ctx.stmt('recentFinished').all({ queue, limit: Math.floor(limit) }) as FinishedRow[];
  return rows.map(toFinishedSample);
}

/** Workers of the queue seen within `staleMs` of `now`. @internal */
export function liveWorkers(ctx: SqliteContext, queue: string, now: number, staleMs: number): WorkerInfo[] {
  const rows = ctx.stmt('liveWorkers').all({ queue, since: now - staleMs }) as WorkerRow[];
  return rows.map(toWorkerInfo);
}

function stateCounts(ctx: SqliteContext, queue: string, now: number): RawQueueStats['counts'] {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as RawQueueStats['counts'];
  counts.ready = 0;
  const rows = ctx.stmt('stateCounts').all({ queue, now }) as Array<{ state: string; n: number; ready: number }>;
  for (const row of rows) {
    counts[row.state as keyof RawQueueStats['counts']] = row.n;
    if (row.state === 'queued') counts.ready = row.ready;
  }
  counts.scheduled = counts.queued - counts.ready;
  return counts;
}

/**
 * Counts by state (queued split into ready and scheduled, which sum to queued), completed and
 * failed counts per throughput window, recent finishes, live workers and the configuration, all
 * from one snapshot. Call inside a read transaction. Statements: state-counts, one window-counts
 * per window, recent-finished, live-workers, get-queue.
 * @internal
 */
export function readStats(ctx: SqliteContext, p: StatsParams): RawQueueStats {
  const windows = p.windowsMs.map((windowMs) => {
    const row = ctx.stmt('windowCounts').get({ queue: p.queue, since: p.now - windowMs }) as {
      completed: number;
      failed: number;
    };
    return { windowMs, completed: row.completed, failed: row.failed };
  });
  return {
    counts: stateCounts(ctx, p.queue, p.now),
    windows,
    recent: recentFinished(ctx, p.queue, p.sampleLimit),
    liveWorkers: liveWorkers(ctx, p.queue, p.now, p.workerStaleMs),
    config: queueConfig(ctx, p.queue),
  };
}
