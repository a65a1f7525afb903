/**
 * The tick a scheduled job stands for, carried in its idempotency key
 * `schedule:<key>:<tickAt>`: a stored field every storage already keeps and returns unchanged, so
 * the tick's time outlives retries (which move `runAt`) and needs no new column. The same key
 * makes a second enqueue of one tick return the stored job instead of a duplicate.
 * @module
 */
import type { JobRecord } from '../job-record.js';

const PREFIX = 'schedule:';

/** The idempotency key of the job of schedule `key`'s tick at `tickAt`. @internal */
export function tickIdempotencyKey(key: string, tickAt: number): string {
  return `${PREFIX}${key}:${tickAt}`;
}

/** The schedule and tick a job was fired for, as {@link scheduledTick} reads them. */
export interface ScheduledTick {
  /** The key of the schedule that fired the job. */
  schedule: string;
  /**
   * The tick's time (ms since the epoch): when the job was due, whenever it was enqueued or ran.
   * With `catchUp: 'one'` after an outage, the first tick missed.
   */
  tickAt: number;
}

/**
 * The schedule and tick a job stands for, read from its idempotency key; null for a job no
 * schedule fired. A job added by hand with an idempotency key of the form `schedule:<key>:<ms>`
 * reads as scheduled too: keep that prefix for schedules.
 */
export function scheduledTick(job: Pick<JobRecord, 'idempotencyKey'>): ScheduledTick | null {
  const key = job.idempotencyKey;
  if (key === null || !key.startsWith(PREFIX)) return null;
  const cut = key.lastIndexOf(':');
  const digits = key.slice(cut + 1);
  if (cut <= PREFIX.length || !/^\d{1,16}$/.test(digits)) return null;
  return { schedule: key.slice(PREFIX.length, cut), tickAt: Number(digits) };
}
