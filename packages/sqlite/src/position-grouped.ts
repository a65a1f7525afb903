/**
 * Positions and the work ahead in a grouped queue: core's `groupPosition` over bounded index
 * counts (O(groups at the job's level) seeks, never O(jobs)), with each group's weight and used
 * count from turns-at, and the jobs ahead read as each group's first jobs and merged with core's
 * `rotationOrder` (weighted rounds). Call inside a read transaction, so every count comes from
 * one snapshot.
 * @module
 * @internal
 */
import {
  type AheadWork,
  type GroupLine,
  type GroupStanding,
  type GroupTurn,
  groupPosition,
  type JobRecord,
  type PositionInputs,
  type QueueRateLimit,
  rotationGroup,
  rotationOrder,
  roundsWithin,
  takenInRounds,
  weightedBound,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { turnsAt } from './turns.js';

/** One job ahead, as the ETA reads it. */
type AheadJob = { name: string; size: number | null };

/** A group's turn at the job's level (with its weight and used count) and how many of its ready jobs go before the job. */
interface AheadLine extends GroupTurn {
  ahead: number;
}

/** Everything a grouped position is made of: the position, the higher levels' count, each group's jobs ahead. */
export interface GroupedPosition {
  /** 1-based position. */
  position: number;
  /** Ready jobs at higher levels. */
  higher: number;
  /** Ready jobs of the job's own group at its level that sort before it: its rotation rank. */
  rank: number;
  /** Each group holding a turn at the job's level (its own group first) with its jobs ahead. */
  lines: AheadLine[];
}

/** The own group's turn with its weight and used count; a missing stamp (never expected) sorts it after every group. */
function ownTurn(turns: readonly GroupTurn[], group: string): GroupTurn {
  return turns.find((t) => t.group === group) ?? { group, turn: Number.POSITIVE_INFINITY };
}

/** A group's ready jobs at a level, counted no further than `bound`. */
function readyBounded(ctx: SqliteContext, queue: string, grp: string, priority: number, now: number, bound: number): number {
  if (bound <= 0) return 0;
  return ctx.one('groupReadyBounded', { queue, grp, priority, now, bound }).n;
}

/**
 * The position of a ready job of a grouped queue: `groupPosition({ higher, rank, own, others })`
 * with each other group's ready count read only up to `weightedBound(own, rank, other)` (the jobs
 * it gives in the rounds before the job's, and in the job's own round when its turn is earlier).
 * Statements: higher-ready, group-rank, turns-at, one group-ready-bounded per other group.
 * @internal
 */
export function groupedPosition(ctx: SqliteContext, job: JobRecord, now: number): GroupedPosition {
  const { queue, priority } = job;
  const group = rotationGroup(job.group);
  const higher = ctx.one('higherReady', { queue, priority, now }).n;
  const rank = ctx.one('groupRank', { queue, grp: group, priority, runAt: job.runAt, seq: job.seq }).n;
  const turns = turnsAt(ctx, queue, priority);
  const own = ownTurn(turns, group);
  const others = turns
    .filter((t) => t.group !== group)
    .map((t) => ({ ...t, ready: readyBounded(ctx, queue, t.group, priority, now, weightedBound(own, rank, t)) }));
  const position = groupPosition({ higher, rank, own, others });
  const lines = [{ ...own, ahead: rank }, ...others.map(({ ready, ...turn }) => ({ ...turn, ahead: ready }))];
  return { position, higher, rank, lines };
}

/** The first `limit` ready jobs of the queue above `priority`, by priority, runAt, seq. */
function higherJobs(ctx: SqliteContext, job: JobRecord, now: number, limit: number): AheadJob[] {
  if (limit <= 0) return [];
  return ctx.stmt('higherAheadJobs').all({ queue: job.queue, priority: job.priority, now, limit });
}

/** A group's first `limit` ready jobs at the job's level. */
function groupJobs(ctx: SqliteContext, job: JobRecord, grp: string, now: number, limit: number): AheadJob[] {
  if (limit <= 0) return [];
  return ctx.stmt('groupAheadJobs').all({ queue: job.queue, grp, priority: job.priority, now, limit });
}

/**
 * Every job ahead of the job in claim order: the higher levels' ready jobs, then the job's level
 * merged by `rotationOrder` from each group's jobs ahead. Read only when `ahead` is small (the
 * caller's `aheadListLimit`). Statements: higher-ahead-jobs, one group-ahead-jobs per group.
 * @internal
 */
export function groupedAheadJobs(ctx: SqliteContext, job: JobRecord, gp: GroupedPosition, now: number): AheadJob[] {
  const lines: Array<GroupLine<AheadJob>> = gp.lines.map(({ ahead, ...turn }) => ({ ...turn, jobs: groupJobs(ctx, job, turn.group, now, ahead) }));
  return [...higherJobs(ctx, job, now, gp.higher), ...rotationOrder(lines)];
}

/** Sums jobs by name, sorted by name. */
function byName(jobs: readonly AheadJob[]): AheadWork[] {
  const sums = new Map<string, AheadWork>();
  for (const j of jobs) {
    const w = sums.get(j.name) ?? { name: j.name, count: 0, sizedCount: 0, sizeSum: 0 };
    w.count += 1;
    if (j.size !== null) {
      w.sizedCount += 1;
      w.sizeSum += j.size;
    }
    sums.set(j.name, w);
  }
  return [...sums.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The work ahead grouped by name over at most `limit` jobs ahead that are a prefix of claim
 * order: the first min(higher, limit) higher-level jobs, then each group's first
 * min(ahead_h, takenInRounds(h, k)) jobs with `k = roundsWithin(...)` (whole weighted rounds).
 * `aheadWorkOf` is how many jobs were summed. Statements: higher-ahead-jobs, one group-ahead-jobs
 * per group with jobs taken.
 * @internal
 */
export function groupedAheadWork(
  ctx: SqliteContext,
  job: JobRecord,
  gp: GroupedPosition,
  now: number,
  limit: number,
): Pick<PositionInputs, 'aheadWork' | 'aheadWorkOf'> {
  const higherTaken = Math.min(gp.higher, limit);
  const k = roundsWithin(
    gp.lines.map((l) => ({ bound: l.ahead, weight: l.weight, used: l.used })),
    limit,
    higherTaken,
  );
  const taken = gp.lines.flatMap((l) => groupJobs(ctx, job, l.group, now, Math.min(l.ahead, takenInRounds(l, k))));
  const jobs = [...higherJobs(ctx, job, now, higherTaken), ...taken];
  return { aheadWork: byName(jobs), aheadWorkOf: jobs.length };
}

/**
 * The job's own named group as position inputs report it: its rank at the job's level (from
 * `gp`, the same snapshot), its ready jobs at higher levels (group-ready-above, to
 * `aheadWorkLimit`), the group's running jobs at every level, an exact index-only count on
 * jobs_group_running (group-running, unbounded), and under the queue's groupRateLimit `rate` its
 * starts still inside the window at `now` (group-rate-starts, index-only; read, never trimmed).
 * None for an ungrouped job. Call for a ready job of a grouped queue, inside the read transaction
 * `gp` was read in.
 * @internal
 */
export function groupStanding(
  ctx: SqliteContext,
  job: JobRecord,
  gp: GroupedPosition,
  p: { now: number; aheadWorkLimit: number },
  rate: QueueRateLimit | null,
): { group?: GroupStanding } {
  if (job.group === null) return {};
  const { now } = p;
  const { n } = ctx.one('groupRunning', { queue: job.queue, grp: job.group, bound: -1 });
  const higher = ctx.one('groupReadyAbove', { queue: job.queue, grp: job.group, priority: job.priority, now, bound: p.aheadWorkLimit }).n;
  const standing: GroupStanding = { name: job.group, rank: gp.rank, higher, running: n };
  if (rate !== null) {
    const rows = ctx.stmt('groupRateStarts').all({ queue: job.queue, grp: job.group, since: now - rate.intervalMs });
    standing.starts = rows.map((r) => r.at);
  }
  return { group: standing };
}
