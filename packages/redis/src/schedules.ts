/**
 * Schedules on Redis: a hash per schedule plus a sorted set by next tick per queue, and the
 * tick's compare-and-set with its enqueue in one script (see the headers of
 * `lua/scripts/schedule-*.lua`).
 * @module
 * @internal
 */
import { compareCodeUnits } from '@waitline/core';
import type { CatchUp, DueSchedulesParams, FireScheduleParams, FireScheduleResult, ScheduleRecord, ScheduleRef, UpsertScheduleParams } from '@waitline/core';
import { optionalArg, type RedisContext } from './context.js';
import { fieldMap } from './rows.js';
import { enqueueReply, jobArgs } from './enqueue.js';

/** A schedule hash (HGETALL array) as a record of `queue`. */
function toRecord(queue: string, fields: readonly unknown[]): ScheduleRecord {
  const f = fieldMap(fields);
  const opt = (name: string) => f.get(name) ?? null;
  const num = (name: string) => (f.has(name) ? Number(f.get(name)) : null);
  return {
    queue,
    key: String(f.get('key')),
    cron: opt('cron'),
    tz: opt('tz'),
    every: num('every'),
    catchUp: f.get('catchUp') as CatchUp,
    payload: JSON.parse(f.get('payload') ?? 'null') as unknown,
    options: JSON.parse(f.get('options') ?? '{}') as Record<string, unknown>,
    nextRunAt: Number(f.get('nextRunAt')),
    lastRunAt: num('lastRunAt'),
    createdAt: Number(f.get('createdAt')),
    updatedAt: Number(f.get('updatedAt')),
  };
}

/** Code-unit order of keys, as every storage lists them. */
function byKey(a: ScheduleRecord, b: ScheduleRecord): number {
  return compareCodeUnits(a.key, b.key);
}

/** Creates or replaces the schedule in one script. @internal */
export async function upsertSchedule(ctx: RedisContext, p: UpsertScheduleParams): Promise<ScheduleRecord> {
  await ctx.queueNames.add(p.queue);
  const args = [p.key, p.cron ?? '', p.tz ?? '', optionalArg(p.every), p.catchUp, JSON.stringify(p.payload ?? null), JSON.stringify(p.options)];
  const reply = await ctx.onQueue(
    'scheduleUpsert',
    p.queue,
    [...args, String(p.nextRunAt), String(p.now), optionalArg(p.lastRunAt)],
    [ctx.keys.schedules(p.queue)],
  );
  return toRecord(p.queue, reply);
}

/** Deletes the schedule in one script; true when it existed. @internal */
export async function removeSchedule(ctx: RedisContext, p: ScheduleRef): Promise<boolean> {
  return (await ctx.onKeys('scheduleRemove', [ctx.keys.schedules(p.queue)], [p.key])) === 1;
}

/** The queue's schedules with nextRunAt up to `until` ('+inf': all), by next tick then key. */
async function read(ctx: RedisContext, queue: string, until: string, limit: number): Promise<ScheduleRecord[]> {
  const reply = await ctx.onKeys('scheduleList', [ctx.keys.schedules(queue)], [until, String(limit)]);
  return reply.filter((fields) => fields.length > 0).map((fields) => toRecord(queue, fields));
}

/** Every schedule of the queue by key (read in one script, sorted here). @internal */
export async function listSchedules(ctx: RedisContext, queue: string): Promise<ScheduleRecord[]> {
  return (await read(ctx, queue, '+inf', -1)).sort(byKey);
}

/** The queue's schedules due by `until`, by next tick then key. @internal */
export function dueSchedules(ctx: RedisContext, p: DueSchedulesParams): Promise<ScheduleRecord[]> {
  return read(ctx, p.queue, String(p.until), Math.floor(p.limit));
}

/** The compare-and-set and the tick's enqueue in one script (schedule-fire.lua). @internal */
export async function fireSchedule(ctx: RedisContext, p: FireScheduleParams): Promise<FireScheduleResult> {
  await ctx.queueNames.add(p.queue);
  const payload = p.job === null ? '' : JSON.stringify(p.job.payload ?? null);
  const expectedUpdatedAt = p.expectedUpdatedAt === undefined ? '' : String(p.expectedUpdatedAt);
  const args = [p.key, String(p.expectedNextRunAt), String(p.nextRunAt), String(p.now), p.job === null ? '0' : '1', expectedUpdatedAt];
  if (p.job !== null) args.push(...jobArgs(p.job, payload).map(String));
  const reply = await ctx.onQueue('scheduleFire', p.queue, args, [ctx.keys.schedules(p.queue)]);
  if (reply[0] === 'missed') return { fired: false };
  if (reply[0] === 'skipped' || p.job === null) return { fired: true, job: null, inserted: false };
  const added = enqueueReply({ queue: p.queue, jobs: [p.job], now: p.now }, [payload], reply);
  return { fired: true, job: added.jobs[0] ?? null, inserted: added.inserted[0] ?? false };
}
