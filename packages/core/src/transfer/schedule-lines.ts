/**
 * Schedule lines of the transfer format: a schedule leaves its storage with every stored field
 * and comes back through the same checks `queue.schedule()` applies, so an import cannot store a
 * definition the API would refuse.
 * @module
 */
import { z } from 'zod';
import { ImportLineError, WaitlineError } from '../errors.js';
import { findJsonProblem } from '../json-value.js';
import { MAX_RUN_AT } from '../limits.js';
import { isPlainObject, queueNameSchema } from '../options.js';
import type { ScheduleRecord } from '../schedule-params.js';
import { parseScheduleDefinition, parseScheduleKey } from '../schedules/spec.js';

/** One schedule: its queue and every field of its stored record. */
export type ScheduleLine = { type: 'schedule' } & ScheduleRecord;

/** The schedule fields in the order every export writes them. */
const SCHEDULE_FIELD_ORDER = [
  'queue',
  'key',
  'cron',
  'tz',
  'every',
  'catchUp',
  'payload',
  'options',
  'nextRunAt',
  'lastRunAt',
  'createdAt',
  'updatedAt',
] as const;

/** A schedule's line, in a fixed field order so two exports of the same schedules are the same text. */
export function scheduleLine(record: ScheduleRecord): string {
  const source = record as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { type: 'schedule' };
  for (const key of SCHEDULE_FIELD_ORDER) out[key] = source[key] ?? null;
  return JSON.stringify(out);
}

const time = z.number().int().min(0).max(MAX_RUN_AT);

/** The shape of a schedule line; {@link parseScheduleLine} checks the definition it holds. */
export const scheduleLineSchema = z
  .object({
    type: z.literal('schedule'),
    queue: queueNameSchema,
    key: z.unknown(),
    cron: z.string().nullable(),
    tz: z.string().nullable(),
    every: z.number().nullable(),
    catchUp: z.enum(['none', 'one']),
    payload: z.unknown(),
    options: z.record(z.string(), z.unknown()),
    nextRunAt: time,
    lastRunAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .loose();

/**
 * Reads a schedule line (1-based `line`) whose shape {@link scheduleLineSchema} accepted: the key
 * and the definition go through the checks of `queue.schedule()` (a cron pattern or time zone this runtime cannot read, or job
 * options a schedule cannot take, are refused here). Throws `ImportLineError` naming the line and
 * the field.
 */
export function parseScheduleLine(value: unknown, line: number): ScheduleRecord {
  const s = value as z.infer<typeof scheduleLineSchema>;
  if (!isPlainObject(s.payload)) {
    const got = s.payload === null || s.payload === undefined ? 'null' : Array.isArray(s.payload) ? 'an array' : typeof s.payload;
    throw new ImportLineError(line, `expected a plain object, as queue.schedule() takes, got ${got}`, ['payload']);
  }
  const payloadProblem = findJsonProblem(s.payload, ['payload'], 'payload');
  if (payloadProblem !== null) throw new ImportLineError(line, payloadProblem.message, payloadProblem.path);
  try {
    const key = parseScheduleKey(s.key);
    const timing = { ...(s.cron === null ? {} : { cron: s.cron }), ...(s.tz === null ? {} : { tz: s.tz }), ...(s.every === null ? {} : { every: s.every }) };
    const parsed = parseScheduleDefinition({ ...timing, catchUp: s.catchUp, payload: s.payload, options: s.options });
    return {
      ...parsed,
      queue: s.queue,
      key,
      payload: s.payload,
      nextRunAt: s.nextRunAt,
      lastRunAt: s.lastRunAt,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  } catch (err) {
    if (!(err instanceof WaitlineError)) throw err;
    const path = err.path[0] === 'schedule' ? err.path.slice(1) : err.path;
    throw new ImportLineError(line, `invalid schedule line: ${err.message}`, path, { cause: err });
  }
}
