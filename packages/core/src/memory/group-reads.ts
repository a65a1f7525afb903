/**
 * Position reads of a grouped queue in memory: the round-robin position formula and the jobs
 * ahead in claim order, from `group-rotation.ts` over the queue's group lines.
 * @module
 * @internal
 */
import { type GroupTurn, groupPosition, rotationGroup, rotationOrder, roundsWithin, weightedBound } from '../group-rotation.js';
import type { JobRecord } from '../job-record.js';
import type { GroupStanding, PositionParams } from '../storage-reads.js';
import { runningByGroup } from './group-holds.js';
import { cutLines, inRounds } from './groups.js';
import type { SortedJobs } from './sorted-jobs.js';
import type { MemoryStore } from './store.js';

/** A group's line at the job's level with how many of its ready jobs go before the job. */
type AheadLine = GroupTurn & { line: SortedJobs; bound: number };

/** What a grouped position read gathers for one ready job. */
interface GroupedAhead {
  /** Ready jobs at higher levels. */
  higher: number;
  /** Every group's line at the job's level, the job's own group first, with its bound. */
  lines: AheadLine[];
  /** Jobs ahead in all: position − 1. */
  ahead: number;
}

/** The counts of a ready job of a grouped queue: higher levels, and each group's jobs ahead. @internal */
export function groupedAhead(store: MemoryStore, job: JobRecord, now: number): GroupedAhead {
  const { waiting, groups } = store.queueJobs(job.queue);
  const higher = waiting.readyAhead({ priority: job.priority, runAt: Number.NEGATIVE_INFINITY, seq: Number.NEGATIVE_INFINITY }, now);
  const group = rotationGroup(job.group);
  const line = groups.lineOf(job.priority, group, true);
  const rank = line.readyAhead(job, now);
  const own = groups.turnOf(job.priority, group);
  const others = groups.othersAt(job.priority, group, now);
  const lines: AheadLine[] = [{ ...own, line, bound: rank }];
  for (const o of others)
    lines.push({ group: o.group, turn: o.turn, weight: o.weight, used: o.used, line: o.line, bound: Math.min(o.ready, weightedBound(own, rank, o)) });
  return { higher, lines, ahead: groupPosition({ higher, rank, own, others }) - 1 };
}

/**
 * The first `limit` jobs ahead of a ready job of a grouped queue, in claim order as far as it
 * matters to the ETA: the higher levels' ready jobs (by the ordering rule), then whole rounds of
 * the job's level (see `roundsWithin`).
 */
function groupedJobsAhead(store: MemoryStore, queue: string, at: GroupedAhead, now: number, limit: number): JobRecord[] {
  const higherJobs = at.higher === 0 ? [] : store.queueJobs(queue).waiting.ready(now, Math.min(at.higher, limit));
  const rounds = roundsWithin(at.lines, limit, at.higher);
  const level = rotationOrder(cutLines(at.lines, now, (l) => inRounds(l, rounds)));
  return [...higherJobs, ...level];
}

/** Position inputs' `ahead`, `aheadWork` jobs and `aheadJobs` for a job of a grouped queue. @internal */
export function groupedAheadInputs(store: MemoryStore, job: JobRecord, p: PositionParams): { ahead: number; work: JobRecord[]; list: JobRecord[] | null } {
  const at = groupedAhead(store, job, p.now);
  const work = groupedJobsAhead(store, job.queue, at, p.now, p.aheadWorkLimit);
  const list = at.ahead > p.aheadListLimit ? null : groupedJobsAhead(store, job.queue, at, p.now, at.ahead);
  return { ahead: at.ahead, work, list };
}

/**
 * The job's own group as position inputs report it: for a ready job of a named group, its rank,
 * its ready jobs at higher levels (to `aheadWorkLimit`),
 * the group's running jobs and, under a `groupRateLimit`, its starts still inside the window. @internal
 */
export function groupStanding(
  store: MemoryStore,
  job: JobRecord,
  ahead: number | null,
  p: Pick<PositionParams, 'now' | 'aheadWorkLimit'>,
): { group?: GroupStanding } {
  const { groups } = store.queueJobs(job.queue);
  const { now } = p;
  if (ahead === null || job.group === null || !groups.grouped) return {};
  const running = runningByGroup(store, job.queue).get(job.group) ?? 0;
  const rank = groups.lineOf(job.priority, job.group, true).readyAhead(job, now);
  const standing: GroupStanding = { name: job.group, rank, higher: groups.readyAbove(job.priority, job.group, now, p.aheadWorkLimit), running };
  const rate = store.queues.get(job.queue)?.groupRateLimit ?? null;
  if (rate !== null) standing.starts = (store.groupStarts.get(job.queue)?.get(job.group) ?? []).filter((at) => at > now - rate.intervalMs);
  return { group: standing };
}
