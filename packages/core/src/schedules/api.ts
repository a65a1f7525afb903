/**
 * What `queue.schedule()`, `queue.unschedule()` and `queue.listSchedules()` do, kept out of
 * `queue.ts`: validate everything before writing, compute the first tick in core, store.
 * @module
 * @internal
 */
import { MAX_RUN_AT } from '../limits.js';
import { buildNewJob, validatePayload } from '../new-job.js';
import type { Queue } from '../queue.js';
import type { ScheduleRecord } from '../schedule-params.js';
import { declaredFirstTick, parseScheduleDefinition, parseScheduleKey } from './spec.js';
import { tickIdempotencyKey } from './tick.js';
import { scheduleChanged } from './wakeups.js';

/**
 * A schedule as `queue.listSchedules()` reports it: the stored record, with `nextRunAt` null for
 * a cron pattern that fires no more.
 */
export type ScheduleInfo = Omit<ScheduleRecord, 'nextRunAt'> & { nextRunAt: number | null };

/** The record as users see it. @internal */
export function toScheduleInfo(r: ScheduleRecord): ScheduleInfo {
  return { ...r, nextRunAt: r.nextRunAt >= MAX_RUN_AT ? null : r.nextRunAt };
}

/** Validates, then creates or replaces the schedule; see `Queue.schedule`. @internal */
export async function upsertScheduleOf(queue: Queue, key: unknown, definition: unknown): Promise<ScheduleInfo> {
  const k = parseScheduleKey(key);
  const parsed = parseScheduleDefinition(definition);
  // The template keeps the payload as given, and each tick's job passes it through the queue's
  // schema once, as `queue.add` does (storing the schema's output would run its transforms twice).
  const payload = validatePayload(undefined, parsed.payload, ['schedule', 'payload']);
  const now = queue.clock.now();
  const nextRunAt = declaredFirstTick(parsed, now);
  // Builds one tick's job now, so a template that could not make a job is refused before anything is written.
  buildNewJob(queue.schema, queue.defaults, payload, { ...parsed.options, idempotencyKey: tickIdempotencyKey(k, now) }, now, ['schedule'], null);
  await queue.ready();
  const stored = await queue.storage.upsertSchedule({
    queue: queue.name,
    key: k,
    cron: parsed.cron,
    tz: parsed.tz,
    every: parsed.every,
    catchUp: parsed.catchUp,
    payload,
    options: parsed.options,
    nextRunAt,
    lastRunAt: null,
    now,
  });
  scheduleChanged(queue.storage, queue.name);
  return toScheduleInfo(stored);
}

/** Removes the schedule; true when it existed. @internal */
export async function removeScheduleOf(queue: Queue, key: unknown): Promise<boolean> {
  const removed = await queue.storage.removeSchedule({ queue: queue.name, key: parseScheduleKey(key) });
  scheduleChanged(queue.storage, queue.name);
  return removed;
}
