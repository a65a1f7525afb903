/**
 * Schedules on Postgres: stored rows, and the tick's compare-and-set run with its enqueue in one
 * transaction.
 * @module
 * @internal
 */
import type { CatchUp, DueSchedulesParams, FireScheduleParams, FireScheduleResult, ScheduleRecord, ScheduleRef, UpsertScheduleParams } from '@waitline/core';
import type { PgContext } from './context.js';
import { enqueue } from './jobs.js';

/** A schedules row as pg returns it (bigints as numbers, json parsed). */
interface ScheduleRow {
  queue: string;
  key: string;
  cron: string | null;
  tz: string | null;
  every_ms: number | null;
  catch_up: string;
  payload: unknown;
  options: Record<string, unknown>;
  next_run_at: number;
  last_run_at: number | null;
  created_at: number;
  updated_at: number;
}

function toRecord(row: ScheduleRow): ScheduleRecord {
  return {
    queue: row.queue,
    key: row.key,
    cron: row.cron,
    tz: row.tz,
    every: row.every_ms,
    catchUp: row.catch_up as CatchUp,
    payload: row.payload,
    options: row.options,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates the queue when missing and upserts the schedule, in one statement. @internal */
export async function upsertSchedule(ctx: PgContext, p: UpsertScheduleParams): Promise<ScheduleRecord> {
  const values = [p.queue, p.key, p.cron, p.tz, p.every, p.catchUp, JSON.stringify(p.payload ?? null), JSON.stringify(p.options), p.nextRunAt, p.now];
  const row = await ctx.row<ScheduleRow>('upsertSchedule', values);
  if (row === undefined) throw new Error(`upsert-schedule returned no row for "${p.key}"`);
  return toRecord(row);
}

/** Deletes the schedule; true when it existed. @internal */
export async function removeSchedule(ctx: PgContext, p: ScheduleRef): Promise<boolean> {
  return (await ctx.rows('removeSchedule', [p.queue, p.key])).length > 0;
}

/** The queue's schedules by key. @internal */
export async function listSchedules(ctx: PgContext, queue: string): Promise<ScheduleRecord[]> {
  return (await ctx.rows<ScheduleRow>('listSchedules', [queue])).map(toRecord);
}

/** The queue's schedules due by `until`, by next tick then key. @internal */
export async function dueSchedules(ctx: PgContext, p: DueSchedulesParams): Promise<ScheduleRecord[]> {
  return (await ctx.rows<ScheduleRow>('dueSchedules', [p.queue, p.until, Math.floor(p.limit)])).map(toRecord);
}

/**
 * The compare-and-set (fire-schedule.sql) and the tick's enqueue in one transaction: a refused
 * enqueue throws and rolls the tick back; a missed compare-and-set writes nothing. @internal
 */
export function fireSchedule(ctx: PgContext, p: FireScheduleParams): Promise<FireScheduleResult> {
  return ctx.transaction('', async (client): Promise<FireScheduleResult> => {
    const won = await ctx.rows('fireSchedule', [p.queue, p.key, p.expectedNextRunAt, p.nextRunAt, p.job !== null], client);
    if (won.length === 0) return { fired: false };
    if (p.job === null) return { fired: true, job: null, inserted: false };
    const added = await enqueue(ctx, { queue: p.queue, jobs: [p.job], now: p.now }, client);
    return { fired: true, job: added.jobs[0] ?? null, inserted: added.inserted[0] ?? false };
  });
}
