/**
 * The one ordering rule every storage follows, for claims and for positions alike.
 *
 * Ready jobs run by priority descending, then `runAt` ascending, then insertion `seq` ascending.
 * A retried job re-enters at the back of its priority level, because its `runAt` is the retry time.
 * `position = 1 + (ready jobs that sort before it)`.
 * @module
 */

/** The fields the ordering rule reads. */
export interface OrderKey {
  priority: number;
  runAt: number;
  seq: number;
}

/** Negative when `a` runs before `b`, positive when after; never 0 for two distinct jobs. */
export function compareJobOrder(a: OrderKey, b: OrderKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.runAt !== b.runAt) return a.runAt - b.runAt;
  return a.seq - b.seq;
}
