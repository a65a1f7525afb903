/**
 * Firing due ticks: read the due schedules, plan each tick in core, and let the storage's
 * compare-and-set on `nextRunAt` (and `updatedAt`: a definition declared again since the read is
 * not fired; the declaration woke the loop, which reads it again) decide which process fires it.
 * @module
 * @internal
 */
import type { NewJob } from '../job-record.js';
import { buildNewJob } from '../new-job.js';
import type { Queue } from '../queue.js';
import type { ScheduleRecord } from '../schedule-params.js';
import { planTick } from './spec.js';
import { tickIdempotencyKey } from './tick.js';

/** How many due schedules one read fires at most; the rest fire at the next read, at once. */
const FIRE_BATCH = 100;

/** What one pass found: how many ticks this process fired, and when the next is due (null: none within the horizon). */
export interface FirePass {
  fired: number;
  /**
   * A full batch was due and at least one of its schedules moved on: read again at once. A batch
   * whose every fire failed (a draining or full queue refuses them all) says false, so the loop
   * waits rather than reading the same batch again and again.
   */
  more: boolean;
  nextDueAt: number | null;
}

/** The tick's job, or null (reported) when the stored template no longer validates. */
function tickJob(queue: Queue, s: ScheduleRecord, tickAt: number, now: number, report: (err: unknown) => void): NewJob | null {
  try {
    const options = { ...s.options, idempotencyKey: tickIdempotencyKey(s.key, tickAt) };
    return buildNewJob(queue.schema, queue.defaults, s.payload, options, now, [], null);
  } catch (err) {
    report(err);
    return null;
  }
}

/** Fires one due schedule; true when this process won the tick and enqueued a new job. */
async function fireOne(queue: Queue, s: ScheduleRecord, now: number, report: (err: unknown) => void): Promise<{ won: boolean; nextRunAt: number }> {
  const plan = planTick(s, now);
  const job = plan.runJob ? tickJob(queue, s, plan.tickAt, now, report) : null;
  const expected = { expectedNextRunAt: s.nextRunAt, expectedUpdatedAt: s.updatedAt };
  const result = await queue.storage.fireSchedule({ queue: queue.name, key: s.key, ...expected, nextRunAt: plan.nextRunAt, job, now });
  if (!result.fired || result.job === null || !result.inserted) return { won: false, nextRunAt: plan.nextRunAt };
  const r = result.job;
  queue.emit('job:added', { queue: queue.name, jobId: r.id, name: r.name, priority: r.priority, runAt: r.runAt });
  queue.storage.notifier?.publish({ queue: queue.name, kind: 'added', runAt: r.runAt });
  return { won: true, nextRunAt: plan.nextRunAt };
}

/**
 * Fires every tick of `queue` due at the queue's clock's now (up to a batch) and reports when the
 * next one within `horizonMs` is due. A tick another process fired first is left to it; an error
 * on one schedule is reported and the others go on.
 * @internal
 */
export async function fireDueSchedules(queue: Queue, horizonMs: number, report: (err: unknown) => void): Promise<FirePass> {
  const now = queue.clock.now();
  const due = await queue.storage.dueSchedules({ queue: queue.name, until: now + horizonMs, limit: FIRE_BATCH });
  let fired = 0;
  let settled = 0;
  let nextDueAt: number | null = null;
  const later = (t: number) => {
    if (t <= now + horizonMs && (nextDueAt === null || t < nextDueAt)) nextDueAt = t;
  };
  for (const s of due) {
    if (s.nextRunAt > now) {
      later(s.nextRunAt);
      continue;
    }
    try {
      const { won, nextRunAt } = await fireOne(queue, s, now, report);
      if (won) fired += 1;
      settled += 1;
      later(nextRunAt);
    } catch (err) {
      report(err);
    }
  }
  return { fired, more: settled > 0 && due.length === FIRE_BATCH && due.every((s) => s.nextRunAt <= now), nextDueAt };
}
