/**
 * Schedules on Postgres: stored rows, and the tick's compare-and-set run with its enqueue in one
 * transaction.
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
import type { PgContext, SqlParams } from './context.js';
import { enqueue } from './enqueue.js';

/** Creates the queue when missing and upserts the schedule, in one statement. @internal */
export async function upsertSchedule(ctx: PgContext, p: UpsertScheduleParams): Promise<ScheduleRecord> {
  const values: SqlParams<'upsertSchedule'> = [
    p.queue,
    p.key,
    p.cron,
    p.tz,
    p.every,
    p.catchUp,
    JSON.stringify(p.payload ?? null),
    JSON.stringify(p.options),
    p.nextRunAt,
    p.now,
    p.lastRunAt,
  ];
  const row = await ctx.row('upsertSchedule', values);
  if (row === undefined) throw new Error(`upsert-schedule returned no row for "${p.key}"`);
  return scheduleFromRow(row);
}

/** Deletes the schedule; true when it existed. @internal */
export async function removeSchedule(ctx: PgContext, p: ScheduleRef): Promise<boolean> {
  return (await ctx.rows('removeSchedule', [p.queue, p.key])).length > 0;
}

/** The queue's schedules by key, in code-unit order. @internal */
export async function listSchedules(ctx: PgContext, queue: string): Promise<ScheduleRecord[]> {
  return (await ctx.rows('listSchedules', [queue])).map(scheduleFromRow).sort((a, b) => compareCodeUnits(a.key, b.key));
}

/** The queue's schedules due by `until`, by next tick then key. @internal */
export async function dueSchedules(ctx: PgContext, p: DueSchedulesParams): Promise<ScheduleRecord[]> {
  return (await ctx.rows('dueSchedules', [p.queue, p.until, Math.floor(p.limit)])).map(scheduleFromRow);
}

/**
 * The compare-and-set (fire-schedule.sql) and the tick's enqueue in one transaction: a refused
 * enqueue throws and rolls the tick back; a missed compare-and-set writes nothing. @internal
 */
export function fireSchedule(ctx: PgContext, p: FireScheduleParams): Promise<FireScheduleResult> {
  return ctx.transaction('', async (client): Promise<FireScheduleResult> => {
    const won = await ctx.rows('fireSchedule', [p.queue, p.key, p.expectedNextRunAt, p.nextRunAt, p.job !== null, p.expectedUpdatedAt ?? null], client);
    if (won.length === 0) return { fired: false };
    if (p.job === null) return { fired: true, job: null, inserted: false };
    const added = await enqueue(ctx, { queue: p.queue, jobs: [p.job], now: p.now }, client);
    return { fired: true, job: added.jobs[0] ?? null, inserted: added.inserted[0] ?? false };
  });
}
