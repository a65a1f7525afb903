/**
 * Reads: queue configurations, one job, its position and the inputs of its ETA, a queue's
 * statistics and job listings. Each is one atomic script or command on one queue (plus the
 * prefix-wide worker list where it is needed, and the queue list for `listQueues`).
 * @module
 * @internal
 */
import {
  type AheadWork,
  countLimit,
  type GroupStanding,
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
} from '@waitline/core';
import { optionalArg, type RedisContext } from './context.js';
import { groupedAhead, groupedAheadInputs } from './group-position.js';
import { mergeRecent, toDueAhead, toJobRecord, toJobRecords, toNamedSizes, toQueueConfig, toRunningSamples } from './rows.js';
import type { ScriptReply } from './scripts.js';
import { liveWorkers } from './workers.js';

/** The stored config, or null for a queue never configured nor added to. @internal */
export async function getQueue(ctx: RedisContext, name: string): Promise<QueueConfig | null> {
  const fields = await ctx.client.hgetall(ctx.keys.queue(name).config);
  if (Object.keys(fields).length === 0) return null;
  return toQueueConfig(name, Object.entries(fields).flat());
}

/** Every listed queue that has a stored config, by name; the reads run concurrently (cluster-safe). @internal */
export async function listQueues(ctx: RedisContext): Promise<QueueConfig[]> {
  const configs = await Promise.all((await ctx.queueNames.list()).map((name) => getQueue(ctx, name)));
  return configs.filter((config): config is QueueConfig => config !== null);
}

/**
 * One job of `p.queue` by id, or null: one HGETALL under the queue's hash tag, so another queue's
 * job is simply not there. @internal
 */
export async function getJob(ctx: RedisContext, p: JobRef): Promise<JobRecord | null> {
  const fields = await ctx.client.hgetall(ctx.keys.queue(p.queue).jobPrefix + p.id);
  return Object.keys(fields).length === 0 ? null : toJobRecord(p.queue, fields);
}

/**
 * 1 + the ready jobs ahead (ZRANK), or null unless queued and ready; in a grouped queue core's
 * `groupPosition` over the script's bounded counts. Runs on `p.queue` only: the job keys live
 * under their queue's tag, so another queue's job is simply not there. @internal
 */
export async function getPosition(ctx: RedisContext, p: { queue: string; id: string; now: number }): Promise<number | null> {
  const reply = await ctx.onQueue('position', p.queue, [p.id, String(p.now)]);
  if (reply[0] === 'grouped') return groupedAhead(reply[1]) + 1;
  return reply[0] === 'ok' ? reply[1] + 1 : null;
}

function toAheadWork(flat: ReadonlyArray<string | number>): AheadWork[] {
  const work: AheadWork[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    work.push({ name: String(flat[i]), count: Number(flat[i + 1]), sizedCount: Number(flat[i + 2]), sizeSum: Number(flat[i + 3]) });
  }
  return work;
}

/** A count limit as a script argument (core's `countLimit`: Infinity is no limit). */
function countArg(n: number): string {
  return String(countLimit(n));
}

/** position-inputs.lua's reply for a known job. */
type PositionReply = Extract<ScriptReply<'positionInputs'>, ['ok', ...unknown[]]>;

/** The job's group standing (the script's last element), as a spreadable part: empty when absent. */
function standingPart(reply: PositionReply): { group?: GroupStanding } {
  const standing = reply[12];
  if (standing === null || standing === undefined) return {};
  const [name, rank, running, higher, starts] = standing;
  const group: GroupStanding = { name: String(name), rank: Number(rank), higher: Number(higher), running: Number(running) };
  if (starts !== null && starts !== undefined) group.starts = starts.map(Number);
  return { group };
}

/** The jobs-ahead part of the inputs: the plain queue's script fields, or a grouped queue's. */
function aheadPart(reply: PositionReply, aheadWorkLimit: number): Pick<PositionInputs, 'ahead' | 'aheadJobs' | 'aheadWork' | 'aheadWorkOf'> {
  const [, , rank, covered, work, aheadJobs, , , , , , grouped] = reply;
  if (grouped !== null && grouped !== undefined) return groupedAheadInputs(grouped[0], grouped[1], aheadWorkLimit);
  return {
    ahead: rank === null ? null : Number(rank),
    aheadWork: toAheadWork(work),
    aheadWorkOf: Number(covered),
    aheadJobs: aheadJobs === null ? null : toNamedSizes(aheadJobs),
  };
}

/**
 * The position and ETA inputs from one atomic script, plus the queue's live workers. `ahead` is
 * exact (ZRANK plus the due jobs no claim moved yet); `aheadWork` groups only the first
 * `min(ahead, aheadWorkLimit)` jobs ahead in claim order (`aheadWorkOf`), so the script reads at
 * most `max(aheadWorkLimit, aheadListLimit)` jobs however far back the job is. `group` (a ready
 * job of a named group in a grouped queue) comes from the same script. Null for an unknown id or
 * a job of another queue (the script runs on `p.queue` only). `dueAhead` (the scheduled jobs of a
 * higher priority, the first `dueAheadLimit` by runAt then seq) comes from the same script, which
 * reads at most `dueAheadLimit` of them per priority level above the job's.
 * @internal
 */
export async function getPositionInputs(ctx: RedisContext, p: PositionParams): Promise<PositionInputs | null> {
  const args = [p.id, String(p.now), countArg(p.aheadListLimit), countArg(p.sampleLimit), countArg(p.aheadWorkLimit), countArg(p.dueAheadLimit)];
  const reply = await ctx.onQueue('positionInputs', p.queue, args, [ctx.keys.samples(p.queue)]);
  if (reply[0] === 'missing') return null;
  const [, job, , , , , running, completed, failed, config, kept, , , dueAhead] = reply;
  return {
    job: toJobRecord(p.queue, job),
    ...aheadPart(reply, Number(countArg(p.aheadWorkLimit))),
    dueAhead: toDueAhead(dueAhead),
    running: toRunningSamples(running),
    recent: mergeRecent(completed, failed, kept, p.sampleLimit),
    config: toQueueConfig(p.queue, config),
    liveWorkers: await liveWorkers(ctx, p.queue, p.now, p.workerStaleMs),
    ...standingPart(reply),
  };
}

/** Counts, windows and recent finishes from one script, plus the queue's live workers. @internal */
export async function getStats(ctx: RedisContext, p: StatsParams): Promise<RawQueueStats> {
  const args = [String(p.now), countArg(p.sampleLimit), ...p.windowsMs.map(String)];
  const samplesKey = [ctx.keys.samples(p.queue)];
  const [counts, windows, completed, failed, config, kept] = await ctx.onQueue('stats', p.queue, args, samplesKey);
  const [ready, scheduled, running, done, failedCount, cancelled] = counts;
  return {
    counts: { queued: ready + scheduled, ready, scheduled, running, completed: done, failed: failedCount, cancelled },
    windows: p.windowsMs.map((windowMs, i) => ({ windowMs, completed: Number(windows[2 * i]), failed: Number(windows[2 * i + 1]) })),
    recent: mergeRecent(completed, failed, kept, p.sampleLimit),
    liveWorkers: await liveWorkers(ctx, p.queue, p.now, p.workerStaleMs),
    config: toQueueConfig(p.queue, config),
  };
}

/** How many jobs one filtered list-jobs script reads at most. @internal */
export const LIST_SCAN_BUDGET = 5_000;

/** Walks the all set in bounded steps, skipping `offset` matches, until `want` matches or the end. */
async function listFiltered(ctx: RedisContext, p: ListParams, offset: number, want: number): Promise<JobRecord[]> {
  const items: JobRecord[] = [];
  const states = (p.states ?? []).join(',');
  let skip = offset;
  let cursor = 0;
  while (items.length < want && cursor >= 0) {
    const args = [String(skip), String(want - items.length), p.order ?? 'desc', states, String(cursor), String(LIST_SCAN_BUDGET), optionalArg(p.afterSeq)];
    const [page, skipped, next] = await ctx.onQueue('listJobs', p.queue, args);
    items.push(...toJobRecords(p.queue, page));
    skip -= Number(skipped);
    cursor = Number(next);
  }
  return items;
}

/** One page of a queue's jobs by seq; a state filter walks the queue in bounded steps. @internal */
export async function listJobs(ctx: RedisContext, p: ListParams): Promise<Page<JobRecord>> {
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  const limit = Math.max(0, Math.floor(p.limit));
  if (p.states !== undefined && p.states.length === 0) return { items: [], nextOffset: null };
  if (p.states !== undefined) {
    const found = await listFiltered(ctx, p, offset, limit + 1);
    return { items: found.slice(0, limit), nextOffset: found.length > limit ? offset + limit : null };
  }
  const [page, more] = await ctx.onQueue('listJobs', p.queue, [String(offset), String(limit), p.order ?? 'desc', '', '0', '0', optionalArg(p.afterSeq)]);
  const items = toJobRecords(p.queue, page);
  return { items, nextOffset: more === '1' ? offset + items.length : null };
}

/** A page of the queue's ungrouped queued jobs in claim order, in one script (one snapshot). @internal */
export async function listWaiting(ctx: RedisContext, p: ListWaitingParams): Promise<JobRecord[]> {
  const page = await ctx.onQueue('listWaiting', p.queue, [String(p.now), String(p.offset), String(p.limit)]);
  return toJobRecords(p.queue, page);
}
