/**
 * Schedules on SQLite: stored rows, and the tick's compare-and-set run with its enqueue in one
 * `BEGIN IMMEDIATE` transaction (the caller wraps {@link fireSchedule} in it).
 * @module
 * @internal
 */
import {
  type DueSchedulesParams,
  type FireScheduleParams,
  type FireScheduleResult,
  type ScheduleRecord,
  type ScheduleRef,
  scheduleFromRow,
  type UpsertScheduleParams,
  compareCodeUnits,
} from '@waitline/core';
import type { SqliteContext } from './context.js';
import { enqueueJobs, readOrCreateQueue } from './enqueue.js';
import type { SqliteScheduleRow } from './rows.js';

function toRecord(row: SqliteScheduleRow): ScheduleRecord {
  return scheduleFromRow({ ...row, payload: JSON.parse(row.payload) as unknown, options: JSON.parse(row.options) as Record<string, unknown> });
}

/** Creates the queue when missing and upserts the schedule (upsert-schedule.sql); call inside `BEGIN IMMEDIATE`. @internal */
export function upsertSchedule(ctx: SqliteContext, p: UpsertScheduleParams): ScheduleRecord {
  readOrCreateQueue(ctx, p.queue, p.now);
  const row = ctx.one('upsertSchedule', {
    queue: p.queue,
    key: p.key,
    cron: p.cron,
    tz: p.tz,
    everyMs: p.every,
    catchUp: p.catchUp,
    payload: JSON.stringify(p.payload ?? null),
    options: JSON.stringify(p.options),
    nextRunAt: p.nextRunAt,
    lastRunAt: p.lastRunAt,
    now: p.now,
  });
  return toRecord(row);
}

/** Deletes the schedule; true when it existed. @internal */
export function removeSchedule(ctx: SqliteContext, p: ScheduleRef): boolean {
  return ctx.stmt('removeSchedule').run({ queue: p.queue, key: p.key }).changes > 0;
}

/** The queue's schedules by key. @internal */
export function listSchedules(ctx: SqliteContext, queue: string): ScheduleRecord[] {
  return ctx
    .stmt('listSchedules')
    .all({ queue })
    .map(toRecord)
    .sort((a, b) => compareCodeUnits(a.key, b.key));
}

/** The queue's schedules due by `until`, by next tick then key. @internal */
export function dueSchedules(ctx: SqliteContext, p: DueSchedulesParams): ScheduleRecord[] {
  return ctx.stmt('dueSchedules').all({ queue: p.queue, until: p.until, limit: p.limit }).map(toRecord);
}

/**
 * The compare-and-set (fire-schedule.sql), then the tick's enqueue; call inside `BEGIN
 * IMMEDIATE`, so a refused enqueue (it throws) rolls the tick back. @internal
 */
export function fireSchedule(ctx: SqliteContext, p: FireScheduleParams): FireScheduleResult {
  const won = ctx.stmt('fireSchedule').run({
    queue: p.queue,
    key: p.key,
    expected: p.expectedNextRunAt,
    nextRunAt: p.nextRunAt,
    hasJob: p.job === null ? 0 : 1,
    expectedUpdatedAt: p.expectedUpdatedAt ?? null,
  });
  if (won.changes === 0) return { fired: false };
  if (p.job === null) return { fired: true, job: null, inserted: false };
  const added = enqueueJobs(ctx, { queue: p.queue, jobs: [p.job], now: p.now });
  return { fired: true, job: added.jobs[0] ?? null, inserted: added.inserted[0] ?? false };
}
