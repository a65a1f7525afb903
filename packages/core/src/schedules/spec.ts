/**
 * Schedule definitions: validation of what `queue.schedule()` is given, and the tick math (cron
 * through `croner`, `every` by arithmetic). Every tick time is computed here, in core, so every
 * storage fires the same ticks; storages only compare-and-set the stored `nextRunAt`.
 * @module
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { MAX_DELAY_MS, MAX_RUN_AT } from '../limits.js';
import { isPlainObject, notAnObject, parseJobOptions, parseOrThrow, storableText } from '../options.js';
import type { JobOptions } from '../options.js';
import type { CatchUp } from '../schedule-params.js';

/** The shortest `every` a schedule may have, in ms. */
export const MIN_SCHEDULE_EVERY_MS = 1_000;

/**
 * How late a tick may be found and still count as on time: a tick found later than this after
 * its time counts as missed, and `catchUp` decides whether it fires.
 */
export const SCHEDULE_MISSED_AFTER_MS = 60_000;

/** The job options a schedule may give its jobs: every job option but the per-add ones. */
export type ScheduleJobOptions = Omit<JobOptions, 'delayMs' | 'runAt' | 'idempotencyKey' | 'traceparent'>;

/** The fields shared by both kinds of schedule. */
interface ScheduleCommon<Payload> {
  /** The payload of every tick's job, validated as an add's (the queue's schema included). */
  payload: Payload;
  /** The options of every tick's job; `delayMs`, `runAt`, `idempotencyKey` and `traceparent` are refused. */
  options?: ScheduleJobOptions;
  /** What missed ticks do (see {@link CatchUp}); `'one'` by default. */
  catchUp?: CatchUp;
}

/**
 * A schedule by cron pattern: 5 fields (minute first) or 6 (second first), as `croner` reads
 * them, in the IANA time zone `tz` (UTC by default; never the host's zone, so every host fires the
 * same ticks).
 */
export interface CronSchedule<Payload = unknown> extends ScheduleCommon<Payload> {
  cron: string;
  tz?: string;
  every?: undefined;
}

/** A schedule every `every` ms (an integer from {@link MIN_SCHEDULE_EVERY_MS} to `MAX_DELAY_MS`), first tick one period after it is created. */
export interface EverySchedule<Payload = unknown> extends ScheduleCommon<Payload> {
  every: number;
  cron?: undefined;
  tz?: undefined;
}

/** What `queue.schedule(key, definition)` takes. */
export type ScheduleDefinition<Payload = unknown> = CronSchedule<Payload> | EverySchedule<Payload>;

/** A validated definition's timing, as stored. @internal */
export interface ScheduleTiming {
  cron: string | null;
  tz: string | null;
  every: number | null;
}

/** A validated definition. @internal */
export interface ParsedSchedule extends ScheduleTiming {
  catchUp: CatchUp;
  payload: unknown;
  options: Record<string, unknown>;
}

const ROOT = ['schedule'] as const;
const PER_ADD_OPTIONS = ['delayMs', 'runAt', 'idempotencyKey', 'traceparent'] as const;

const definitionShape = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    tz: z.string().min(1).max(100).optional(),
    every: z.number().int().min(MIN_SCHEDULE_EVERY_MS).max(MAX_DELAY_MS).optional(),
    catchUp: z.enum(['none', 'one']).optional(),
    payload: z.unknown().optional(),
    options: z.unknown().optional(),
  })
  .strict();

function invalid(path: ReadonlyArray<string | number>, message: string): ValidationError {
  return new ValidationError(`invalid schedule at ${path.join('.')}: ${message}`, [{ path, message }]);
}

/** Validates a schedule key: 1-200 characters, no NUL or lone surrogate. @internal */
export function parseScheduleKey(value: unknown): string {
  return parseOrThrow(storableText(200), value, 'schedule key', ['key']);
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw invalid([...ROOT, 'tz'], `"${tz}" is not an IANA time zone this runtime knows`);
  }
}

function makeCron(pattern: string, tz: string): Cron {
  try {
    return new Cron(pattern, { timezone: tz, paused: true });
  } catch (err) {
    throw invalid([...ROOT, 'cron'], (err as Error).message);
  }
}

/** Checks the job options a schedule stores; returns them as given (plain JSON). */
function parseTemplateOptions(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw notAnObject('schedule', value, [...ROOT, 'options']);
  for (const field of PER_ADD_OPTIONS) {
    if (value[field] !== undefined) throw invalid([...ROOT, 'options', field], `a schedule's jobs cannot take ${field}: each tick sets its own`);
  }
  parseJobOptions(value, [...ROOT, 'options']);
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/**
 * Validates a definition's shape and timing (the payload is checked by the caller, with the
 * queue's schema); throws `ValidationError` with the path of the first bad field.
 * @internal
 */
export function parseScheduleDefinition(value: unknown): ParsedSchedule {
  if (!isPlainObject(value)) throw notAnObject('schedule', value, ROOT);
  const d = parseOrThrow(definitionShape, value, 'schedule', ROOT);
  if ((d.cron === undefined) === (d.every === undefined)) throw invalid([...ROOT, 'cron'], 'give exactly one of cron and every');
  if (d.every !== undefined && d.tz !== undefined) throw invalid([...ROOT, 'tz'], 'tz goes with cron only');
  const options = parseTemplateOptions(d.options);
  const catchUp = d.catchUp ?? 'one';
  if (d.every !== undefined) return { cron: null, tz: null, every: d.every, catchUp, payload: d.payload, options };
  const tz = d.tz ?? 'UTC';
  checkTimeZone(tz);
  const cron = d.cron as string;
  if (makeCron(cron, tz).nextRun(new Date(0)) === null) throw invalid([...ROOT, 'cron'], 'the pattern never fires');
  return { cron, tz, every: null, catchUp, payload: d.payload, options };
}

/**
 * What a newly declared cron schedule must also meet: 5 fields (minute first) or 6 (second
 * first), or a nickname, as documented (croner also reads a 7th, the year), and a tick after
 * `now` (a pattern whose ticks are all past never fires). Import keeps stored schedules as they
 * are and does not ask this. Returns the first tick after `now` (every schedule's). @internal
 */
export function declaredFirstTick(parsed: ParsedSchedule, now: number): number {
  const first = firstTick(parsed, now);
  if (parsed.cron === null) return first;
  const fields = parsed.cron.trim().split(/\s+/).length;
  if (!parsed.cron.trim().startsWith('@') && fields > 6) throw invalid([...ROOT, 'cron'], `give 5 fields (minute first) or 6 (second first), not ${fields}`);
  if (first >= MAX_RUN_AT) throw invalid([...ROOT, 'cron'], 'the pattern fires no more after now');
  return first;
}

/**
 * The first tick strictly after `after`, or `MAX_RUN_AT` when the pattern fires no more (a tick
 * at `MAX_RUN_AT` or later is never due).
 * @internal
 */
export function nextTickAfter(timing: ScheduleTiming, after: number, anchor: number): number {
  if (timing.every !== null) {
    const periods = Math.floor((after - anchor) / timing.every) + 1;
    return Math.min(MAX_RUN_AT, anchor + Math.max(1, periods) * timing.every);
  }
  const next = makeCron(timing.cron as string, timing.tz ?? 'UTC').nextRun(new Date(after));
  return next === null ? MAX_RUN_AT : Math.min(MAX_RUN_AT, next.getTime());
}

/** The first tick of a new (or re-timed) schedule: one period from now, or the pattern's next. @internal */
export function firstTick(timing: ScheduleTiming, now: number): number {
  return timing.every !== null ? Math.min(MAX_RUN_AT, now + timing.every) : nextTickAfter(timing, now, now);
}

/** What firing a due tick does: run a job or skip it, and the tick after. @internal */
export interface TickPlan {
  /** The tick being fired: the stored `nextRunAt`. */
  tickAt: number;
  /** False when the tick was missed and `catchUp` is `'none'`. */
  runJob: boolean;
  /** The first tick after `now`. */
  nextRunAt: number;
}

/**
 * Plans the firing of a due tick found at `now`: the stored tick fires (one job for it and any
 * missed after it) unless it is more than {@link SCHEDULE_MISSED_AFTER_MS} late under
 * `catchUp: 'none'`; the next tick is the first after `now`, so missed ticks never pile up.
 * @internal
 */
export function planTick(s: ScheduleTiming & { catchUp: CatchUp; nextRunAt: number }, now: number): TickPlan {
  const missed = now - s.nextRunAt > SCHEDULE_MISSED_AFTER_MS;
  return { tickAt: s.nextRunAt, runJob: !(missed && s.catchUp === 'none'), nextRunAt: nextTickAfter(s, now, s.nextRunAt) };
}
