/**
 * Reads: queue configurations, one job, job listings, a job's position and the inputs of its ETA,
 * and queue statistics. The multi-statement reads (position inputs, statistics) run in one
 * `REPEATABLE READ READ ONLY` transaction, so each sees one snapshot. Position inputs count the
 * jobs ahead exactly (position.sql: per-bucket counts kept by triggers, plus one 256-ms bucket
 * of jobs_queued per level) but group by name only the first `aheadWorkLimit` of them
 * (ahead-work.sql, a LIMITed walk of jobs_queued), so a read at the back of a long queue costs
 * the count plus at most that many rows. The scheduled jobs that outrank a ready job
 * (due-ahead.sql) read at most a bounded number of entries per higher level.
 * @module
 * @internal
 */
import {
  type AheadWork,
  countLimit,
  type DueAhead,
  type GroupSettingsRecord,
  type GroupsPage,
  groupsPage,
  type GroupStanding,
  type JobRecord,
  type JobRef,
  JOB_STATES,
  type ListGroupsParams,
  type ListParams,
  type ListWaitingParams,
  type Page,
  type PositionInputs,
  type PositionParams,
  type QueueConfig,
  type RawQueueStats,
  type StatsParams,
  compareCodeUnits,
} from '@waitline/core';

import type { PgContext, Queryable } from './context.js';
import { groupedAheadJobs, groupedAheadWork, readGroupedPosition } from './group-reads.js';
import { defaultQueueConfig, toFinishedSample, toJobRecord, toQueueConfig, toRunningSample, toWorkerInfo } from './rows.js';

const SNAPSHOT = 'ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** The queue's stored configuration, or the defaults when it has no row. @internal */
export async function queueConfig(ctx: PgContext, name: string, on?: Queryable): Promise<QueueConfig> {
  const row = await ctx.row('getQueue', [name], on);
  return row === undefined ? defaultQueueConfig(name) : toQueueConfig(row);
}

/** The stored configuration, or null for a queue never configured nor added to. @internal */
export async function getQueue(ctx: PgContext, name: string): Promise<QueueConfig | null> {
  const row = await ctx.row('getQueue', [name]);
  return row === undefined ? null : toQueueConfig(row);
}

/** Every queue ever configured or added to, sorted by name, in one statement. @internal */
export async function listQueues(ctx: PgContext): Promise<QueueConfig[]> {
  return (await ctx.rows('listQueues', [])).map(toQueueConfig).sort((a, b) => compareCodeUnits(a.name, b.name));
}

/** Every group of the queue with stored settings, by name in code-unit order; [] for none or an unknown queue. @internal */
export async function listGroupSettings(ctx: PgContext, queue: string): Promise<GroupSettingsRecord[]> {
  const rows = await ctx.rows('groupSettingsList', [queue]);
  return rows.map((r) => ({ group: r.grp, weight: r.weight })).sort((a, b) => compareCodeUnits(a.group, b.group));
}

/**
 * One page of the queue's named groups after `p.after`, by name in code-point order, with their
 * counts and weights, from one statement (list-groups.sql) that reads one group past the page to
 * know whether another page follows. @internal
 */
export async function listGroups(ctx: PgContext, p: ListGroupsParams): Promise<GroupsPage> {
  const rows = await ctx.rows('listGroups', [p.queue, p.now, p.after ?? '', p.limit + 1]);
  return groupsPage(
    rows.map((r) => ({ group: r.grp, ready: r.ready, scheduled: r.scheduled, running: r.running, weight: r.weight })),
    p.limit,
  );
}

/** The stored job of `p.queue`, or null (also for another queue's job). @internal */
export async function getJob(ctx: PgContext, p: JobRef): Promise<JobRecord | null> {
  const row = await ctx.row('getJob', [p.id]);
  return row === undefined || row.job.queue !== p.queue ? null : toJobRecord(row.job);
}

/**
 * A job's 1-based position among ready jobs, or null (see position.sql); in a grouped queue the
 * round-robin position (position-grouped.sql and core's `groupPosition`). @internal
 */
export async function readPosition(ctx: PgContext, p: { queue: string; id: string; now: number }, on?: Queryable): Promise<number | null> {
  const row = await ctx.row('position', [p.id, p.now, p.queue], on);
  if (row === undefined) return null;
  if (!row.grouped) return row.position;
  return (await readGroupedPosition(ctx, p, on))?.position ?? null;
}

/** The first `limit` ready jobs of the queue in claim order, grouped by name (none read when 0). */
async function aheadWork(ctx: PgContext, queue: string, limit: number, now: number, on: Queryable): Promise<AheadWork[]> {
  if (limit === 0) return [];
  const rows = await ctx.rows('aheadWork', [queue, now, limit], on);
  return rows.map((r) => ({ name: r.name, count: r.count, sizedCount: r.sized_count, sizeSum: r.size_sum }));
}

async function aheadJobs(ctx: PgContext, queue: string, ahead: number, now: number, on: Queryable) {
  if (ahead === 0) return [];
  const rows = await ctx.rows('aheadJobs', [queue, now, ahead], on);
  return rows.map((r) => ({ name: r.name, size: r.size }));
}

/**
 * The queue's scheduled jobs of a priority above the job's, by (run_at, seq), at most
 * `dueAheadLimit` (due-ahead.sql, grouped and ungrouped alike); none read unless the job is
 * queued and ready (`ahead` not null) or when the limit is 0.
 */
async function dueAhead(ctx: PgContext, job: JobRecord, ahead: number | null, p: PositionParams, on: Queryable): Promise<DueAhead[]> {
  const limit = countLimit(p.dueAheadLimit);
  if (ahead === null || limit === 0) return [];
  const rows = await ctx.rows('dueAhead', [job.queue, p.now, job.priority, limit], on);
  return rows.map((r) => ({ name: r.name, size: r.size, runAt: r.run_at }));
}

async function recentAndLive(ctx: PgContext, queue: string, p: { now: number; sampleLimit: number; workerStaleMs: number }, on: Queryable) {
  const limit = countLimit(p.sampleLimit);
  const recent = limit === 0 ? [] : await ctx.rows('recentFinished', [queue, limit], on);
  const workers = await ctx.rows('liveWorkers', [queue, p.now - p.workerStaleMs], on);
  return { recent: recent.map(toFinishedSample), liveWorkers: workers.map(toWorkerInfo) };
}

/** The jobs ahead of a job (its count, work by name, list) in a queue that is not grouped. */
async function plainAhead(ctx: PgContext, job: JobRecord, position: number | null, p: PositionParams, c: Queryable): Promise<AheadPart> {
  const ahead = position === null ? null : position - 1;
  const aheadWorkOf = Math.min(ahead ?? 0, countLimit(p.aheadWorkLimit));
  return {
    ahead,
    aheadWork: await aheadWork(ctx, job.queue, aheadWorkOf, p.now, c),
    aheadWorkOf,
    aheadJobs: ahead === null || ahead > p.aheadListLimit ? null : await aheadJobs(ctx, job.queue, ahead, p.now, c),
  };
}

/**
 * The jobs ahead of a ready job of a grouped queue, in claim order (group-reads.ts), and, for a
 * job of a named group, its group's standing: its rank (read with its position), its ready jobs
 * at higher levels, the group's running jobs and, under a group rate limit, its starts inside the
 * window (group-running.sql), in the same snapshot.
 */
async function groupedAhead(ctx: PgContext, job: JobRecord, p: PositionParams, c: Queryable): Promise<AheadPart> {
  const g = await readGroupedPosition(ctx, { queue: job.queue, id: job.id, now: p.now }, c);
  if (g === null) return { ahead: null, aheadWork: [], aheadWorkOf: 0, aheadJobs: null };
  const q = { queue: job.queue, now: p.now, priority: job.priority };
  const work = await groupedAheadWork(ctx, q, g, p.aheadWorkLimit, c);
  const part: AheadPart = {
    ahead: g.position - 1,
    aheadWork: work.work,
    aheadWorkOf: work.of,
    aheadJobs: await groupedAheadJobs(ctx, q, g, p.aheadListLimit, c),
  };
  if (job.group === null) return part;
  const row = await ctx.row('groupRunning', [job.queue, job.group, p.now, job.priority, p.aheadWorkLimit], c);
  const group: GroupStanding = { name: job.group, rank: g.input.rank, higher: row?.higher ?? 0, running: row?.running ?? 0 };
  if (row !== undefined && row.starts !== null) group.starts = row.starts.map(Number);
  return { ...part, group };
}

type AheadPart = Pick<PositionInputs, 'ahead' | 'aheadWork' | 'aheadWorkOf' | 'aheadJobs' | 'group'>;

/** Everything a position and ETA are computed from, from one snapshot; null for an unknown id or another queue's job. @internal */
export function readPositionInputs(ctx: PgContext, p: PositionParams): Promise<PositionInputs | null> {
  return ctx.transaction(SNAPSHOT, async (c) => {
    const row = await ctx.row('getJob', [p.id], c);
    if (row === undefined || row.job.queue !== p.queue) return null;
    const job = toJobRecord(row.job);
    // `ahead` is position.sql's exact count; only the first aheadWorkOf jobs ahead are
    // read and grouped, so the grouping costs at most aheadWorkLimit rows at any queue length.
    const ready = job.state === 'queued' && job.runAt <= p.now;
    const plain = ready ? await ctx.row('position', [job.id, p.now, job.queue], c) : undefined;
    const ahead = plain?.grouped === true ? await groupedAhead(ctx, job, p, c) : await plainAhead(ctx, job, plain?.position ?? null, p, c);
    const running = await ctx.rows('runningSamples', [job.queue], c);
    return {
      job,
      ...ahead,
      dueAhead: await dueAhead(ctx, job, ahead.ahead, p, c),
      running: running.map(toRunningSample),
      ...(await recentAndLive(ctx, job.queue, p, c)),
      config: await queueConfig(ctx, job.queue, c),
    };
  });
}

async function stateCounts(ctx: PgContext, queue: string, now: number, on: Queryable): Promise<RawQueueStats['counts']> {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as RawQueueStats['counts'];
  counts.ready = 0;
  for (const row of await ctx.rows('stateCounts', [queue, now], on)) {
    // 'queued' comes twice (ungrouped and grouped jobs, two indexes): summed.
    counts[row.state] += row.n;
    if (row.state === 'queued') counts.ready += row.ready;
  }
  counts.scheduled = counts.queued - counts.ready;
  return counts;
}

/** Counts, throughput windows, recent finishes, live workers and config, from one snapshot. @internal */
export function readStats(ctx: PgContext, p: StatsParams): Promise<RawQueueStats> {
  return ctx.transaction(SNAPSHOT, async (c) => {
    const windows: RawQueueStats['windows'] = [];
    for (const windowMs of p.windowsMs) {
      const row = await ctx.row('windowCounts', [p.queue, p.now - windowMs], c);
      windows.push({ windowMs, completed: row?.completed ?? 0, failed: row?.failed ?? 0 });
    }
    return {
      counts: await stateCounts(ctx, p.queue, p.now, c),
      windows,
      ...(await recentAndLive(ctx, p.queue, p, c)),
      config: await queueConfig(ctx, p.queue, c),
    };
  });
}

/** One page of a queue's jobs by seq; `nextOffset` null on the last page. @internal */
export async function listJobs(ctx: PgContext, p: ListParams): Promise<Page<JobRecord>> {
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  const limit = Math.max(0, Math.floor(p.limit));
  const states = p.states ?? [...JOB_STATES];
  const sql = p.order === 'asc' ? 'listJobsAsc' : 'listJobsDesc';
  const rows = await ctx.rows(sql, [p.queue, states, limit + 1, offset, p.afterSeq ?? null]);
  const items = rows.slice(0, limit).map((r) => toJobRecord(r.job));
  const more = limit > 0 && rows.length > limit;
  return { items, nextOffset: more ? offset + limit : null };
}

/** A page of the queue's ungrouped queued jobs in claim order, in one statement (one snapshot). @internal */
export async function listWaiting(ctx: PgContext, p: ListWaitingParams): Promise<JobRecord[]> {
  const rows = await ctx.rows('listWaiting', [p.queue, p.now, p.limit, p.offset]);
  return rows.map((r) => toJobRecord(r.job));
}
