/**
 * Waiting jobs in the order they will start, for views that show "the next jobs": ready jobs by
 * the ordering rule (groups taking turns in a grouped queue), then scheduled jobs by run time.
 * @module
 */
import { type GroupLine, rotationGroup, rotationOrder } from './group-rotation.js';
import type { GroupSettingsRecord } from './storage-params.js';
import type { JobRecord } from './job-record.js';
import { z } from 'zod';
import { MAX_LIST_LIMIT, MAX_WAITING_OFFSET } from './limits.js';
import { parseOptions } from './options.js';
import { compareJobOrder, compareScheduledOrder } from './ordering.js';
import type { Storage } from './storage.js';
import type { Page } from './storage-reads.js';

/** The part of a `Queue` that {@link waitingInClaimOrder} reads. */
export interface WaitingSource {
  /** As `Queue.listJobs`. */
  listJobs(options: { states: ['queued']; limit: number; order: 'asc' }): Promise<Page<JobRecord>>;
  /** As `Queue.getPosition`; needed to order the groups of a grouped queue. */
  getPosition(id: string): Promise<number | null>;
  /** As `Queue.listGroupSettings`: the weights of a grouped queue's groups (all 1 without it). */
  listGroupSettings?(): Promise<GroupSettingsRecord[]>;
  /** The queue's storage and name: an ungrouped queue is read in claim order there (`listWaiting`). */
  readonly storage?: Pick<Storage, 'capabilities' | 'listWaiting' | 'listGroups'>;
  readonly name?: string;
}

/** Most queued jobs {@link waitingInClaimOrder} orders itself, in a grouped queue or without `listWaiting`. */
export const WAITING_SCAN = 1_000;

/** What {@link waitingInClaimOrder} is asked for. */
export interface WaitingPage {
  /** The reader's clock, whole milliseconds: ready means `runAt <= now`. */
  now: number;
  /** Jobs to skip from the front, 0 to `MAX_WAITING_OFFSET` (default 0). */
  offset?: number | undefined;
  /** Most jobs listed, 1 to `MAX_LIST_LIMIT` (default 1,000). */
  limit?: number | undefined;
  /** Queued jobs ordered in core when the storage cannot (default {@link WAITING_SCAN}). */
  scan?: number | undefined;
}

const pageSchema = z
  .object({
    now: z.number().int().nonnegative(),
    offset: z.number().int().min(0).max(MAX_WAITING_OFFSET).optional(),
    limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
    scan: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  })
  .strict();

/**
 * A page of the queued jobs in claim order at `now`: ready ones by the ordering rule (priority,
 * `runAt`, `seq`), then scheduled ones as they come due (`runAt`, priority, `seq`). A queue with
 * no named group is read in that order by the storage (`listWaiting`, one read): exact however
 * many jobs wait, up to `MAX_WAITING_OFFSET` deep. In a queue with groups, each level's groups
 * take turns: the position of each group's first ready job (one read per group and level) gives
 * the turn order, and the rounds follow from it; that order is computed over the oldest `scan`
 * queued jobs (by insertion), so with more waiting a newer job that outranks them all can be
 * missing from the list. Each job's exact position is still what `getStatus` answers. Throws a
 * `ValidationError` (path `['options', ...]`) for a bad page.
 */
export async function waitingInClaimOrder(source: WaitingSource, options: WaitingPage): Promise<JobRecord[]> {
  const page = parseOptions(pageSchema, options, 'waiting page', ['options']);
  const offset = page.offset ?? 0;
  const limit = page.limit ?? MAX_LIST_LIMIT;
  const exact = await claimOrderPage(source, page.now, offset, limit);
  if (exact !== null) return exact;
  const queued = await source.listJobs({ states: ['queued'], limit: page.scan ?? WAITING_SCAN, order: 'asc' });
  const plain = queued.items.filter((j) => j.runAt <= page.now).sort(compareJobOrder);
  const ready = plain.some((j) => j.group !== null) ? await inTurns(source, plain) : plain;
  const scheduled = queued.items.filter((j) => j.runAt > page.now).sort(compareScheduledOrder);
  return [...ready, ...scheduled].slice(offset, offset + limit);
}

/** The storage's claim-order page, when it has one and the queue has no named group; else null. */
async function claimOrderPage(source: WaitingSource, now: number, offset: number, limit: number): Promise<JobRecord[] | null> {
  const { storage, name } = source;
  if (!storage?.listWaiting || name === undefined) return null;
  if (storage.capabilities.groups) {
    const groups = await storage.listGroups?.({ queue: name, now, limit: 1 });
    if (groups === undefined || groups.items.length > 0) return null;
  }
  return storage.listWaiting({ queue: name, now, offset, limit });
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
