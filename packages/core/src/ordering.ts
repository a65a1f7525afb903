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

/**
 * The order scheduled jobs come due and are claimed in: `runAt` ascending, then (due together)
 * priority descending, then `seq`. Negative when `a` comes first.
 */
export function compareScheduledOrder(a: OrderKey, b: OrderKey): number {
  if (a.runAt !== b.runAt) return a.runAt - b.runAt;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.seq - b.seq;
}

/**
 * Code-unit order (how JavaScript compares strings): the order of every listing sorted by name or
 * key (`listQueues`, `listSchedules`, `listGroupSettings`). SQL `ORDER BY` on SQLite and on
 * Postgres with `COLLATE "C"` sorts by UTF-8 bytes, which differs from it between characters
 * U+E000–U+FFFF and characters above U+FFFF, so the storages sort such lists with this.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
