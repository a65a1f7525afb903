/**
 * Schedules in memory: a map per queue by key. Each call is one synchronous step, so a fire's
 * compare-and-set on `nextRunAt` and its enqueue are atomic together.
 * @module
 * @internal
 */
import { compareCodeUnits } from '../ordering.js';
import type { DueSchedulesParams, FireScheduleParams, FireScheduleResult, ScheduleRecord, ScheduleRef, UpsertScheduleParams } from '../schedule-params.js';
import { asStored } from './copy.js';
import { enqueueJobs } from './enqueue.js';
import { ensureQueue } from './queues.js';
import type { MemoryStore } from './store.js';

function copy(s: ScheduleRecord): ScheduleRecord {
  return structuredClone(s);
}

function byKey(a: ScheduleRecord, b: ScheduleRecord): number {
  return compareCodeUnits(a.key, b.key);
}

/** Creates or replaces a schedule, keeping its next and last tick when its timing is unchanged. @internal */
export function upsertSchedule(store: MemoryStore, p: UpsertScheduleParams): ScheduleRecord {
  ensureQueue(store, p.queue);
  const old = store.schedulesOf(p.queue).get(p.key);
  const same = old !== undefined && old.cron === p.cron && old.tz === p.tz && old.every === p.every;
  const record: ScheduleRecord = {
    queue: p.queue,
    key: p.key,
    cron: p.cron,
    tz: p.tz,
    every: p.every,
    catchUp: p.catchUp,
    payload: asStored(p.payload),
    options: asStored(p.options) ?? {},
    nextRunAt: same ? old.nextRunAt : p.nextRunAt,
    lastRunAt: old === undefined ? p.lastRunAt : old.lastRunAt,
    createdAt: old?.createdAt ?? p.now,
    // Always forward, so a fire that read the old definition misses (see FireScheduleParams).
    updatedAt: old === undefined ? p.now : Math.max(p.now, old.updatedAt + 1),
  };
  store.schedulesOf(p.queue).set(p.key, record);
  return copy(record);
}

/** Removes a schedule; true when it existed. @internal */
export function removeSchedule(store: MemoryStore, p: ScheduleRef): boolean {
  return store.schedulesOf(p.queue).delete(p.key);
}

/** The queue's schedules by key. @internal */
export function listSchedules(store: MemoryStore, queue: string): ScheduleRecord[] {
  return [...store.schedulesOf(queue).values()].sort(byKey).map(copy);
}

/** The schedules due by `until`, earliest first. @internal */
export function dueSchedules(store: MemoryStore, p: DueSchedulesParams): ScheduleRecord[] {
  return [...store.schedulesOf(p.queue).values()]
    .filter((s) => s.nextRunAt <= p.until)
    .sort((a, b) => a.nextRunAt - b.nextRunAt || byKey(a, b))
    .slice(0, p.limit)
    .map(copy);
}

/** Compare-and-sets `nextRunAt` and enqueues the tick's job, or writes nothing. @internal */
export function fireSchedule(store: MemoryStore, p: FireScheduleParams): FireScheduleResult {
  const s = store.schedulesOf(p.queue).get(p.key);
  if (s === undefined || s.nextRunAt !== p.expectedNextRunAt) return { fired: false };
  if (p.expectedUpdatedAt !== undefined && s.updatedAt !== p.expectedUpdatedAt) return { fired: false };
  // Enqueue first: it throws (writing nothing) when the queue refuses the job, and the tick stays due.
  const added = p.job === null ? null : enqueueJobs(store, { queue: p.queue, jobs: [p.job], now: p.now });
  if (p.job !== null) s.lastRunAt = p.expectedNextRunAt;
  s.nextRunAt = p.nextRunAt;
  return { fired: true, job: added?.jobs[0] ?? null, inserted: added?.inserted[0] ?? false };
}
