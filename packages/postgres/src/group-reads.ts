/**
 * Position reads of a grouped queue (docs/design/groups.md): position-grouped.sql reads the
 * bounded counts core's `groupPosition` needs in one statement; the jobs ahead are each group's
 * first jobs at the level (ahead-grouped.sql) merged by core's `rotationOrder`, after the higher
 * levels' ready jobs (ahead-higher.sql). Groups carry their weight and used count
 * (position-grouped.sql reads them; every weight is 1 in a queue without stored settings), so the
 * rounds are core's weighted ones. Every read is bounded by the jobs ahead or the limits, never
 * by the jobs queued.
 * @module
 * @internal
 */
import {
  type AheadWork,
  countLimit,
  type GroupPositionInput,
  groupPosition,
  type GroupTurn,
  rotationOrder,
  roundsWithin,
  takenInRounds,
  weightedBound,
} from '@waitline/core';
import type { PgContext, Queryable } from './context.js';

/** A ready job's position in a grouped queue, with what it was computed from. @internal */
export interface GroupedPosition {
  position: number;
  input: GroupPositionInput;
}

/** A stamp as a number; a missing one (never expected: every queued job's group has one) goes last. */
function turnOf(value: number | null): number {
  return value === null ? Number.POSITIVE_INFINITY : value;
}

/**
 * The position of a ready job of a grouped queue by core's `groupPosition`, from one statement
 * (one snapshot); null when the job is unknown, of another queue, not queued or scheduled.
 * @internal
 */
export async function readGroupedPosition(ctx: PgContext, p: { queue: string; id: string; now: number }, on?: Queryable): Promise<GroupedPosition | null> {
  const rows = await ctx.rows('positionGrouped', [p.id, p.now, p.queue], on);
  const first = rows[0];
  if (first === undefined) return null;
  const own: GroupTurn = { group: first.own_group, turn: turnOf(first.own_turn), weight: first.own_weight, used: first.own_used };
  const others = rows.flatMap((r) =>
    r.grp === null ? [] : [{ group: r.grp, turn: turnOf(r.turn), weight: r.weight ?? 1, used: r.used ?? 0, ready: r.ready ?? 0 }],
  );
  const input: GroupPositionInput = { higher: first.higher, rank: first.rank, own, others };
  return { position: groupPosition(input), input };
}

/** A group's turn at the level with how many of its first ready jobs are ahead of the job. */
type LevelBound = GroupTurn & { bound: number };

/** How many of each group's first ready jobs at the level are ahead of the job (own group: its rank), by core's weightedBound. */
function levelBounds(input: GroupPositionInput): LevelBound[] {
  const others = input.others.map((o) => ({
    group: o.group,
    turn: o.turn,
    weight: o.weight,
    used: o.used,
    bound: Math.min(o.ready, weightedBound(input.own, input.rank, o)),
  }));
  return [...others, { ...input.own, bound: input.rank }];
}

type NamedSize = { name: string; size: number | null };

/** The first `limit` ready jobs above the level, by the ordering rule (none read when 0). */
async function higherJobs(ctx: PgContext, q: AheadQuery, limit: number, on: Queryable): Promise<NamedSize[]> {
  if (limit <= 0) return [];
  return ctx.rows('aheadHigher', [q.queue, q.now, q.priority, limit], on);
}

/** Each group's first `take` ready jobs at the level, merged into claim order (weighted rounds). */
async function levelJobs(ctx: PgContext, q: AheadQuery, lines: ReadonlyArray<GroupTurn & { take: number }>, on: Queryable): Promise<NamedSize[]> {
  const read = lines.filter((l) => l.take > 0);
  if (read.length === 0) return [];
  const rows = await ctx.rows('aheadGrouped', [q.queue, q.now, q.priority, read.map((l) => l.group), read.map((l) => l.take)], on);
  const byGroup = new Map<string, NamedSize[]>(read.map((l) => [l.group, []]));
  for (const r of rows) byGroup.get(r.grp)?.push({ name: r.name, size: r.size });
  return rotationOrder(read.map((l) => ({ group: l.group, turn: l.turn, weight: l.weight, used: l.used, jobs: byGroup.get(l.group) ?? [] })));
}

/** Names and sizes summed by name, ordered by name. */
function byName(jobs: readonly NamedSize[]): AheadWork[] {
  const work = new Map<string, AheadWork>();
  for (const job of jobs) {
    const w = work.get(job.name) ?? { name: job.name, count: 0, sizedCount: 0, sizeSum: 0 };
    w.count += 1;
    if (job.size !== null) {
      w.sizedCount += 1;
      w.sizeSum += job.size;
    }
    work.set(job.name, w);
  }
  return [...work.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Where the jobs ahead are read: the job's queue, level and read time. */
interface AheadQuery {
  queue: string;
  now: number;
  priority: number;
}

/**
 * The jobs ahead of a ready job of a grouped queue, in claim order, when there are at most
 * `listLimit`; otherwise null. The higher levels' ready jobs come first (ordering rule), then the
 * level's, each group's first `min(ready, bound)` jobs merged by `rotationOrder` (each group
 * giving `weight` jobs per round, `weight - used` in the current one). @internal
 */
export async function groupedAheadJobs(ctx: PgContext, q: AheadQuery, g: GroupedPosition, listLimit: number, on: Queryable): Promise<NamedSize[] | null> {
  const ahead = g.position - 1;
  if (ahead > listLimit) return null;
  const lines = levelBounds(g.input).map((l) => ({ ...l, take: l.bound }));
  return [...(await higherJobs(ctx, q, g.input.higher, on)), ...(await levelJobs(ctx, q, lines, on))];
}

/**
 * The work ahead grouped by name over at most `limit` jobs ahead: the first `min(higher, limit)`
 * higher-level jobs, then each group's first `min(bound, takenInRounds(group, k))` jobs, `k` the
 * most complete rounds that fit (`roundsWithin`); `of` is how many jobs were summed. @internal
 */
export async function groupedAheadWork(
  ctx: PgContext,
  q: AheadQuery,
  g: GroupedPosition,
  limit: number,
  on: Queryable,
): Promise<{ work: AheadWork[]; of: number }> {
  const cap = countLimit(limit);
  const higherTaken = Math.min(g.input.higher, cap);
  const bounds = levelBounds(g.input);
  const k = roundsWithin(bounds, cap, higherTaken);
  const lines = bounds.map((b) => ({ ...b, take: Math.min(b.bound, takenInRounds(b, k)) }));
  const jobs = [...(await higherJobs(ctx, q, higherTaken, on)), ...(await levelJobs(ctx, q, lines, on))];
  return { work: byName(jobs), of: jobs.length };
}
