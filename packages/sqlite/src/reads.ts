/**
 * Reads: queue configurations, one job, job listings, a job's position and the inputs of its ETA
 * (read with the same ordering rule and index as the claim), and queue statistics. The
 * multi-statement reads (position inputs, statistics) run inside a read transaction the caller
 * opens, so each sees one snapshot.
 * @module
 * @internal
 */
import {
  type AheadWork,
  countLimit,
  type DueAhead,
  type FinishedSample,
  JOB_STATES,
  type JobRecord,
  type JobRef,
  type ListParams,
  type ListWaitingParams,
  type Page,
  type PositionInputs,
  type PositionParams,
  type QueueConfig,
  type RawQueueStats,
  type StatsParams,
  type WorkerInfo,
  compareCodeUnits,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { groupedAheadJobs, groupedAheadWork, groupedPosition, groupStanding } from './position-grouped.js';
import { defaultQueueConfig, toFinishedSample, toJobRecord, toQueueConfig, toRunningSample, toWorkerInfo } from './rows.js';

/** The stored configuration, or null for a queue never configured nor added to. @internal */
export function getQueue(ctx: SqliteContext, name: string): QueueConfig | null {
  const row = ctx.stmt('getQueue').get({ name });
  return row === undefined ? null : toQueueConfig(row);
}

/** Every stored queue's configuration, by name. One statement. @internal */
export function listQueues(ctx: SqliteContext): QueueConfig[] {
  return ctx
    .stmt('listQueues')
    .all()
    .map(toQueueConfig)
    .sort((a, b) => compareCodeUnits(a.name, b.name));
}

/** One job of `p.queue` by id, or null (also for another queue's job). One statement. @internal */
export function getJob(ctx: SqliteContext, p: JobRef): JobRecord | null {
  const row = ctx.jobs('getJob').get({ id: p.id });
  return row === undefined || row[2] !== p.queue ? null : toJobRecord(row);
}

/**
 * One page of the queue's jobs in `p.states` (every state when absent), by `seq` descending unless
 * `order` is `'asc'`; `nextOffset` is null on the last page. One statement: it reads one row past
 * the page to know whether another follows.
 * @internal
 */
export function listJobs(ctx: SqliteContext, p: ListParams): Page<JobRecord> {
  const limit = Math.max(0, Math.floor(p.limit));
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  const params = { queue: p.queue, states: JSON.stringify(p.states ?? JOB_STATES), limit: limit + 1, offset };
  const rows =
    p.afterSeq === undefined
      ? ctx.jobs(p.order === 'asc' ? 'listJobsAsc' : 'listJobsDesc').all(params)
      : ctx.jobs(p.order === 'asc' ? 'listJobsKeysetAsc' : 'listJobsKeysetDesc').all({ ...params, afterSeq: p.afterSeq });
  const more = limit > 0 && rows.length > limit;
  return { items: rows.slice(0, limit).map(toJobRecord), nextOffset: more ? offset + limit : null };
}

/** The queue's stored configuration, or the defaults when it has no row. @internal */
export function queueConfig(ctx: SqliteContext, name: string): QueueConfig {
  const row = ctx.stmt('getQueue').get({ name });
  return row === undefined ? defaultQueueConfig(name) : toQueueConfig(row);
}

/** The last `limit` completed or failed jobs of the queue, newest finish first. @internal */
export function recentFinished(ctx: SqliteContext, queue: string, limit: number): FinishedSample[] {
  const n = countLimit(limit);
  if (n === 0) return [];
  const rows = ctx.stmt('recentFinished').all({ queue, limit: n });
  return rows.map(toFinishedSample);
}

/** Workers of the queue seen within `staleMs` of `now`. @internal */
export function liveWorkers(ctx: SqliteContext, queue: string, now: number, staleMs: number): WorkerInfo[] {
  const rows = ctx.stmt('liveWorkers').all({ queue, since: now - staleMs });
  return rows.map(toWorkerInfo);
}

/**
 * A job's 1-based position among its queue's ready jobs, or null when it is unknown, not queued,
 * scheduled, or of another queue; `'grouped'` when the job is ready in a grouped queue, whose
 * position {@link readGroupedPosition} reads. One statement (position.sql): two index-only
 * counts on jobs_queued, skipped for a grouped queue.
 * @internal
 */
export function readPosition(ctx: SqliteContext, p: { queue: string; id: string; now: number }): number | null | 'grouped' {
  const row = ctx.stmt('position').get({ id: p.id, queue: p.queue, now: p.now });
  if (row === undefined) return null;
  return row.position ?? 'grouped';
}

/**
 * The position of a job of a grouped queue (see position-grouped.ts), or null unless it is a
 * ready job of `p.queue`. Call inside a read transaction: the counts then share one snapshot.
 * @internal
 */
export function readGroupedPosition(ctx: SqliteContext, p: { queue: string; id: string; now: number }): number | null {
  const row = ctx.jobs('getJob').get({ id: p.id });
  if (row === undefined || row[2] !== p.queue) return null;
  const job = toJobRecord(row);
  if (job.state !== 'queued' || job.runAt > p.now) return null;
  return groupedPosition(ctx, job, p.now).position;
}

/** The first `limit` ready jobs of `queue` in claim order, grouped by name (ahead-work.sql). */
function aheadWork(ctx: SqliteContext, queue: string, limit: number, now: number): AheadWork[] {
  if (limit <= 0) return [];
  const rows = ctx.stmt('aheadWork').all({ queue, now, limit });
  return rows.map((r) => ({ name: r.name, count: r.count, sizedCount: r.sized_count, sizeSum: r.size_sum }));
}

function aheadJobs(ctx: SqliteContext, queue: string, ahead: number, now: number): PositionInputs['aheadJobs'] {
  if (ahead === 0) return [];
  const rows = ctx.stmt('aheadJobs').all({ queue, now, limit: ahead });
  return rows.map((r) => ({ name: r.name, size: r.size }));
}

/**
 * The scheduled jobs of `queue` at levels above `priority`, grouped or not, the first `limit` by
 * (`runAt`, `seq`) (due-ahead.sql: index-only ranges of jobs_queued and jobs_grouped over the
 * higher levels, the entries the position count reads); none when `limit` is 0.
 */
function dueAhead(ctx: SqliteContext, queue: string, priority: number, now: number, limit: number): DueAhead[] {
  const n = countLimit(limit);
  if (n === 0) return [];
  const rows = ctx.stmt('dueAhead').all({ queue, priority, now, limit: n });
  return rows.map((r) => ({ name: r.name, size: r.size, runAt: r.run_at }));
}

/**
 * Everything a job's position and ETA are computed from, from one snapshot (call inside a read
 * transaction): the job; `ahead` (position - 1, null unless queued and ready), an exact count;
 * the work ahead grouped by name over only the first `aheadWorkOf` = min(ahead, aheadWorkLimit)
 * jobs ahead in claim order; each job ahead in claim order when there are at most
 * `aheadListLimit`; the queue's running jobs; its recent finishes; its configuration; its live
 * workers; for a ready job of a named group in a grouped queue, `group` (its rank, the group's
 * running jobs and, under a groupRateLimit, its starts in the window); for a ready job, `dueAhead`
 * (the first `dueAheadLimit` scheduled jobs at higher levels, by runAt then seq). Null for an
 * unknown id or a job of another queue. The cost does not grow with the jobs ahead beyond the
 * index-only count: the grouping reads at most `aheadWorkLimit` index entries, and due-ahead the
 * queued entries at higher levels, as the count does.
 * Statements: get-job, position (the two index-only counts), ahead-work (a range read bounded by
 * `aheadWorkOf`) and ahead-jobs (all three only for a ready job, ahead-jobs only under the list
 * limit), due-ahead (for a ready job, unless dueAheadLimit is 0), running-samples,
 * recent-finished, get-queue, live-workers; in a grouped queue the position-grouped.ts reads
 * instead of the three, and group-running (plus group-rate-starts under a groupRateLimit) for a
 * named group's job.
 * @internal
 */
export function readPositionInputs(ctx: SqliteContext, p: PositionParams): PositionInputs | null {
  const row = ctx.jobs('getJob').get({ id: p.id });
  if (row === undefined || row[2] !== p.queue) return null;
  const job = toJobRecord(row);
  const running = ctx.stmt('runningSamples').all({ queue: job.queue });
  const config = queueConfig(ctx, job.queue);
  return {
    job,
    ...aheadReads(ctx, job, p, config),
    running: running.map(toRunningSample),
    recent: recentFinished(ctx, job.queue, p.sampleLimit),
    config,
    liveWorkers: liveWorkers(ctx, job.queue, p.now, p.workerStaleMs),
  };
}

/** The position-dependent part of {@link readPositionInputs}. */
type AheadReads = Pick<PositionInputs, 'ahead' | 'aheadWork' | 'aheadWorkOf' | 'aheadJobs' | 'dueAhead' | 'group'>;

/**
 * `ahead`, the work ahead of a job and the scheduled jobs that outrank it: none unless ready
 * (`ahead` null, `dueAhead` empty). The scheduled jobs are read the same way in either kind of
 * queue (due-ahead.sql reads both indexes).
 */
function aheadReads(ctx: SqliteContext, job: JobRecord, p: PositionParams, config: QueueConfig): AheadReads {
  const ready = job.state === 'queued' && job.runAt <= p.now;
  const position = ready ? readPosition(ctx, { queue: job.queue, id: job.id, now: p.now }) : null;
  if (position === null) return { ahead: null, aheadWork: [], aheadWorkOf: 0, aheadJobs: null, dueAhead: [] };
  const due = dueAhead(ctx, job.queue, job.priority, p.now, p.dueAheadLimit);
  return { ...readyAheadReads(ctx, job, p, config, position), dueAhead: due };
}

/**
 * `ahead` and the work ahead of a ready job at `position` (or `'grouped'`): a grouped queue's
 * through position-grouped.ts, with the job's named group's standing (its starts under the
 * queue's groupRateLimit, from `config`).
 */
function readyAheadReads(
  ctx: SqliteContext,
  job: JobRecord,
  p: PositionParams,
  config: QueueConfig,
  position: number | 'grouped',
): Omit<AheadReads, 'dueAhead'> {
  const workLimit = countLimit(p.aheadWorkLimit);
  if (position === 'grouped') {
    const gp = groupedPosition(ctx, job, p.now);
    const ahead = gp.position - 1;
    const list = ahead > p.aheadListLimit ? null : groupedAheadJobs(ctx, job, gp, p.now);
    return {
      ahead,
      ...groupedAheadWork(ctx, job, gp, p.now, workLimit),
      aheadJobs: list,
      ...groupStanding(ctx, job, gp, p, config.groupRateLimit ?? null),
    };
  }
  const ahead = position - 1;
  // The first jobs ahead in claim order are exactly the first ready jobs of the queue.
  const aheadWorkOf = Math.min(ahead, workLimit);
  return {
    ahead,
    aheadWork: aheadWork(ctx, job.queue, aheadWorkOf, p.now),
    aheadWorkOf,
    aheadJobs: ahead > p.aheadListLimit ? null : aheadJobs(ctx, job.queue, ahead, p.now),
  };
}

function stateCounts(ctx: SqliteContext, queue: string, now: number, grouped: boolean): RawQueueStats['counts'] {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as RawQueueStats['counts'];
  counts.ready = 0;
  const rows = ctx.stmt('stateCounts').all({ queue, now });
  for (const row of rows) {
    counts[row.state] = row.n;
    if (row.state === 'queued') counts.ready = row.ready;
  }
  if (grouped) {
    // state-counts reads the ungrouped queued jobs; a grouped queue's grouped ones are added here.
    const extra = ctx.one('groupedCounts', { queue, now });
    counts.queued += extra.n;
    counts.ready += extra.ready;
  }
  counts.scheduled = counts.queued - counts.ready;
  return counts;
}

/**
 * Counts by state (queued split into ready and scheduled, which sum to queued), completed and
 * failed counts per throughput window, recent finishes, live workers and the configuration, all
 * from one snapshot. Call inside a read transaction. Statements: state-counts, one window-counts
 * per window, get-queue, grouped-counts (grouped queues only), recent-finished, live-workers.
 * @internal
 */
export function readStats(ctx: SqliteContext, p: StatsParams): RawQueueStats {
  const windows = p.windowsMs.map((windowMs) => {
    const row = ctx.one('windowCounts', { queue: p.queue, since: p.now - windowMs });
    return { windowMs, completed: row.completed, failed: row.failed };
  });
  const row = ctx.stmt('getQueue').get({ name: p.queue });
  return {
    counts: stateCounts(ctx, p.queue, p.now, row?.grouped === 1),
    windows,
    recent: recentFinished(ctx, p.queue, p.sampleLimit),
    liveWorkers: liveWorkers(ctx, p.queue, p.now, p.workerStaleMs),
    config: row === undefined ? defaultQueueConfig(p.queue) : toQueueConfig(row),
  };
}

/**
 * A page of the queue's ungrouped queued jobs in claim order (see `ListWaitingParams`): the ready
 * page first; when it runs short, the scheduled jobs after the ready ones. Call inside a read
 * transaction: both reads then share one snapshot.
 * @internal
 */
export function listWaiting(ctx: SqliteContext, p: ListWaitingParams): JobRecord[] {
  const at = { queue: p.queue, now: p.now };
  const ready = ctx.jobs('listWaitingReady').all({ ...at, limit: p.limit, offset: p.offset });
  if (ready.length === p.limit) return ready.map(toJobRecord);
  // Fewer ready jobs than the page's end: how many there are tells where the scheduled ones start.
  const readyCount = ready.length > 0 ? p.offset + ready.length : ctx.one('countReadyBounded', { ...at, bound: p.offset }).n;
  const scheduled = ctx.jobs('listWaitingScheduled').all({ ...at, limit: p.limit - ready.length, offset: p.offset + ready.length - readyCount });
  return [...ready, ...scheduled].map(toJobRecord);
}
