/**
 * Scheduled jobs that outrank a waiting job: each one that comes due before the job would start
 * is claimed before it, so it pushes the start back.
 * @module
 * @internal
 */
import type { DueAhead } from './storage-reads.js';

/**
 * The start offset `startsIn` (ms from `now`) pushed back by every job of `dueAhead` (by `runAt`)
 * due by the start as it stands (one due the moment a slot frees is claimed first): each takes
 * `durationOf(job) ÷ capacity` of the slots' time (all of it with one slot). Walks in `runAt`
 * order and stops at the first job due after the start, since the start only moves later.
 * Unchanged when the queue has idle slots at `now`.
 * @internal
 */
export function startAfterDueAhead(
  startsIn: number,
  dueAhead: readonly DueAhead[],
  durationOf: (job: DueAhead) => number,
  capacity: number,
  now: number,
): number {
  if (!(capacity > 0) || !Number.isFinite(capacity)) return startsIn;
  let start = startsIn;
  for (const job of dueAhead) {
    if (job.runAt - now > start) break;
    start += durationOf(job) / capacity;
  }
  return start;
}
