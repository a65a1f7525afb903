/**
 * The params and results of the `Storage` seam's schedule calls. A storage only stores schedules
 * and compare-and-sets their `nextRunAt`: every tick time is computed by core (cron math included,
 * see `schedules/spec.ts`), so every storage fires the same ticks.
 * @module
 */
import type { JobRecord, NewJob } from './job-record.js';

/**
 * What a schedule does with ticks missed while nothing fired (every worker down): `'one'` fires
 * one job standing for them all, `'none'` fires none; either way firing then goes on from the
 * next tick after now.
 */
export type CatchUp = 'none' | 'one';

/**
 * A schedule as stored. Exactly one of `cron` and `every` is set; `tz` is set with `cron` only.
 * `payload` and `options` are the job template as core validated it (plain JSON).
 */
export interface ScheduleRecord {
  queue: string;
  /** Unique within the queue. */
  key: string;
  /** A cron pattern (5 or 6 fields, seconds first when 6), or null for an `every` schedule. */
  cron: string | null;
  /** The IANA time zone the cron pattern is read in, or null for an `every` schedule. */
  tz: string | null;
  /** The period in ms of an `every` schedule, or null for a cron one. */
  every: number | null;
  catchUp: CatchUp;
  /** The payload of every tick's job. */
  payload: unknown;
  /** The job options of every tick's job (no `delayMs`, `runAt`, `idempotencyKey`, `traceparent`). */
  options: Record<string, unknown>;
  /** The time of the next tick not fired yet. */
  nextRunAt: number;
  /** The time of the last tick that enqueued a job (a tick skipped by `catchUp: 'none'` does not count), or null before any. */
  lastRunAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * Creates or replaces the schedule `key` of `queue`. When a schedule with the key is stored with
 * the same `cron`, `tz` and `every`, its `nextRunAt`, `lastRunAt` and `createdAt` are kept (so a
 * process that re-declares its schedules at start loses no due tick); otherwise `nextRunAt` is
 * written as given.
 */
export interface UpsertScheduleParams extends Pick<ScheduleRecord, 'queue' | 'key' | 'cron' | 'tz' | 'every' | 'catchUp' | 'payload' | 'options'> {
  /** The first tick when the schedule is new or its timing changed. */
  nextRunAt: number;
  /**
   * The last tick written when the schedule is new (null from `queue.schedule`; an import carries
   * the exported one); a stored schedule keeps its own.
   */
  lastRunAt: number | null;
  now: number;
}

/** Names one schedule of one queue. */
export interface ScheduleRef {
  queue: string;
  key: string;
}

/** Reads the schedules of `queue` whose `nextRunAt` is at most `until`, earliest first. */
export interface DueSchedulesParams {
  queue: string;
  until: number;
  limit: number;
}

/**
 * Fires (or skips) one tick of a schedule, in one atomic step: only when the stored schedule's
 * `nextRunAt` still equals `expectedNextRunAt` does the storage set `nextRunAt` and, when `job` is
 * given, enqueue it (as `enqueue` would, idempotency key included) and set `lastRunAt` to
 * `expectedNextRunAt` (a skipped tick leaves `lastRunAt` as it was). Two
 * processes firing the same tick race on that compare-and-set: exactly one wins.
 */
export interface FireScheduleParams extends ScheduleRef {
  /** The `nextRunAt` the caller read: the tick being fired. */
  expectedNextRunAt: number;
  /**
   * The `updatedAt` the caller read. When given, the fire also misses (writes nothing) if the
   * schedule was declared again since (its payload, options or `catchUp` replaced), so no tick
   * fires from a definition `schedule()` has replaced; the caller reads it again. Every upsert
   * moves `updatedAt` forward (by 1 ms when it falls in the same ms as the stored one).
   */
  expectedUpdatedAt?: number;
  /** The tick after this one. */
  nextRunAt: number;
  /** The tick's job, or null to skip the tick (`catchUp: 'none'`). */
  job: NewJob | null;
  now: number;
}

/**
 * What a fire did: `fired` false when the compare-and-set missed (the schedule is gone, or
 * another process fired the tick), and nothing was written. `job` is the tick's stored job (the
 * one its idempotency key already named, with `inserted` false), or null for a skipped tick.
 */
export type FireScheduleResult = { fired: false } | { fired: true; job: JobRecord | null; inserted: boolean };

/**
 * Schedules: stored definitions whose next tick a storage compare-and-sets. A storage computes no
 * tick time (core does, so cron math is the same on every storage); it stores, lists and guards.
 */
export interface StorageSchedules {
  /**
   * Creates or replaces a schedule, keeping its `nextRunAt`, `lastRunAt` and `createdAt` when the
   * stored one has the same `cron`, `tz` and `every` (see {@link UpsertScheduleParams}); returns
   * it as stored. Creates a missing queue with the defaults.
   */
  upsertSchedule(p: UpsertScheduleParams): Promise<ScheduleRecord>;
  /** Removes the schedule; true when it existed. Jobs it already fired are left alone. */
  removeSchedule(p: ScheduleRef): Promise<boolean>;
  /** Every schedule of the queue, sorted by key (code-unit order). */
  listSchedules(p: { queue: string }): Promise<ScheduleRecord[]>;
  /** Up to `limit` schedules of the queue with `nextRunAt <= until`, by `nextRunAt` then key. */
  dueSchedules(p: DueSchedulesParams): Promise<ScheduleRecord[]>;
  /**
   * Compare-and-sets the schedule's `nextRunAt` and enqueues the tick's job in one atomic step
   * (see {@link FireScheduleParams}); a miss writes nothing and answers `fired: false`. An enqueue
   * refused (`QueueDrainingError`, `QueueFullError`) throws and writes nothing, the tick included.
   */
  fireSchedule(p: FireScheduleParams): Promise<FireScheduleResult>;
}
