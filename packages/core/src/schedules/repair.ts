/**
 * Next ticks a clock ahead of time wrote. A tick is fired by the process that finds it due, and
 * the tick after it is computed from that process's clock: a host whose clock ran ahead (stepped
 * back by NTP later, or set by hand) leaves a next tick as far ahead as its clock was, and every
 * process then waits for real time to catch up (an hour ahead: no tick for an hour). Every
 * schedule loop looks for such ticks when it starts and then every
 * {@link SCHEDULE_REPAIR_EVERY_MS}: a stored next tick later than the first tick after now by more
 * than {@link SCHEDULE_AHEAD_SLACK_MS} cannot have come from a clock in step (a tick fired at or
 * before now leaves at most that first tick), so it is moved back to that first tick, skipped
 * ticks not fired (none was missed: they were never due by a clock in step).
 * @module
 * @internal
 */
import { MAX_RUN_AT } from '../limits.js';
import type { Queue } from '../queue.js';
import { firstTick } from './spec.js';

/** How far past the first tick after now a stored next tick may lie (clocks of processes differ by less). */
export const SCHEDULE_AHEAD_SLACK_MS = 60_000;

/** How often a schedule loop looks for next ticks a clock ahead of time wrote. */
export const SCHEDULE_REPAIR_EVERY_MS = 60_000;

/**
 * Moves back every next tick of `queue` that lies more than {@link SCHEDULE_AHEAD_SLACK_MS} past the
 * first tick after the queue's clock's now, each by a compare-and-set (a schedule declared again
 * or fired meanwhile is left to that write); returns how many moved. An error on one schedule is
 * reported and the others go on.
 * @internal
 */
export async function repairAheadTicks(queue: Queue, report: (err: unknown) => void): Promise<number> {
  const now = queue.clock.now();
  let moved = 0;
  for (const s of await queue.storage.listSchedules({ queue: queue.name })) {
    const first = firstTick(s, now);
    if (s.nextRunAt >= MAX_RUN_AT || s.nextRunAt <= first + SCHEDULE_AHEAD_SLACK_MS) continue;
    try {
      const expected = { expectedNextRunAt: s.nextRunAt, expectedUpdatedAt: s.updatedAt };
      const result = await queue.storage.fireSchedule({ queue: queue.name, key: s.key, ...expected, nextRunAt: first, job: null, now });
      if (result.fired) moved += 1;
    } catch (err) {
      report(err);
    }
  }
  return moved;
}
