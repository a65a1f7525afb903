/**
 * Waiting jobs in the order they will start, for views that show "the next jobs": ready jobs by
 * the ordering rule (groups taking turns in a grouped queue), then scheduled jobs by run time.
 * @module
 */
import { type GroupLine, rotationGroup, rotationOrder } from './group-rotation.js';
import type { GroupSettingsRecord } from './storage-params.js';
import type { JobRecord } from './job-record.js';
import { compareJobOrder } from './ordering.js';
import type { Page } from './storage-reads.js';

/** The part of a `Queue` that {@link waitingInClaimOrder} reads. */
export interface WaitingSource {
  /** As `Queue.listJobs`. */
  listJobs(options: { states: ['queued']; limit: number; order: 'asc' }): Promise<Page<JobRecord>>;
  /** As `Queue.getPosition`; needed to order the groups of a grouped queue. */
  getPosition(id: string): Promise<number | null>;
  /** As `Queue.listGroupSettings`: the weights of a grouped queue's groups (all 1 without it). */
  listGroupSettings?(): Promise<GroupSettingsRecord[]>;
}

/** Most queued jobs {@link waitingInClaimOrder} reads unless told otherwise. */
export const WAITING_SCAN = 1_000;

/**
 * Queued jobs in claim order at `now`: ready ones by the ordering rule (priority, `runAt`, `seq`),
 * then scheduled ones by run time. In a queue with groups, each level's groups take turns: the
 * position of each group's first ready job (one read per group and level) gives the turn order, and
 * the rounds follow from it. It orders the oldest `scan` queued jobs (by insertion), so with
 * more waiting than that, a newer job that outranks them all can be missing from the list; each
 * job's exact position is still what `getStatus` answers. One storage read.
 */
export async function waitingInClaimOrder(source: WaitingSource, options: { now: number; scan?: number }): Promise<JobRecord[]> {
  const page = await source.listJobs({ states: ['queued'], limit: options.scan ?? WAITING_SCAN, order: 'asc' });
  const plain = page.items.filter((j) => j.runAt <= options.now).sort(compareJobOrder);
  const ready = plain.some((j) => j.group !== null) ? await inTurns(source, plain) : plain;
  const scheduled = page.items.filter((j) => j.runAt > options.now).sort((a, b) => a.runAt - b.runAt || a.seq - b.seq);
  return [...ready, ...scheduled];
}

/**
 * Ready jobs of a grouped queue in claim order: per level (priority descending), each group's
 * jobs in the ordering rule's order, dealt in weighted rounds, groups ordered by where their first
 * job stands (its exact position, read from the storage).
 */
async function inTurns(source: WaitingSource, sorted: readonly JobRecord[]): Promise<JobRecord[]> {
  const weights = new Map((await source.listGroupSettings?.())?.map((g) => [g.group, g.weight]) ?? []);
  const levels = new Map<number, Map<string, JobRecord[]>>();
  for (const job of sorted) {
    const groups = levels.get(job.priority) ?? new Map<string, JobRecord[]>();
    levels.set(job.priority, groups);
    const line = groups.get(rotationGroup(job.group)) ?? [];
    groups.set(rotationGroup(job.group), line);
    line.push(job);
  }
  const out: JobRecord[] = [];
  for (const level of [...levels.keys()].sort((a, b) => b - a)) {
    const lines = [...(levels.get(level) as Map<string, JobRecord[]>)].map(([group, jobs]) => lineOf(source, group, jobs, weights.get(group) ?? 1));
    out.push(...rotationOrder(await Promise.all(lines)));
  }
  return out;
}

/**
 * One group's line at a level: its turn is its first job's position; with a weight above 1, the
 * jobs it still gives in the current round are those whose positions follow its first job's
 * without a gap (a round gives each group's jobs as one block), which tells its used count.
 */
async function lineOf(source: WaitingSource, group: string, jobs: JobRecord[], weight: number): Promise<GroupLine<JobRecord>> {
  const turn = (await source.getPosition((jobs[0] as JobRecord).id)) ?? Number.POSITIVE_INFINITY;
  let block = 1;
  const most = Math.min(weight, jobs.length);
  while (block < most && (await source.getPosition((jobs[block] as JobRecord).id)) === turn + block) block += 1;
  return { group, jobs, turn, weight, used: block < most ? weight - block : 0 };
}
