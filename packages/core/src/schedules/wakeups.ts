/**
 * Wake-ups of the schedule loops: a `queue.schedule()` or `unschedule()` (or an imported schedule)
 * wakes every loop of the same storage object and queue in this process at once, and publishes a
 * `schedule` notice through the storage's notifier, which reaches the loops of other storage
 * objects and other processes as an add's `added` notice reaches their workers. A loop that
 * hears neither (a storage without a notifier, a lost notice) sees the change at its next read,
 * at most {@link SCHEDULE_MAX_SLEEP_MS} later.
 * @module
 * @internal
 */
import type { Storage } from '../storage.js';

/** The longest a schedule loop sleeps between two reads of the due schedules, in ms. */
export const SCHEDULE_MAX_SLEEP_MS = 5_000;

const listeners = new WeakMap<Storage, Map<string, Set<() => void>>>();

/** Calls `wake` whenever a schedule of `queue` on `storage` changes in this process; returns the unsubscribe. @internal */
export function onScheduleChange(storage: Storage, queue: string, wake: () => void): () => void {
  let byQueue = listeners.get(storage);
  if (byQueue === undefined) {
    byQueue = new Map();
    listeners.set(storage, byQueue);
  }
  let set = byQueue.get(queue);
  if (set === undefined) {
    set = new Set();
    byQueue.set(queue, set);
  }
  set.add(wake);
  return () => {
    set.delete(wake);
  };
}

/** Wakes this process's loops of `queue` on `storage`, and tells the others through the storage's notifier. @internal */
export function scheduleChanged(storage: Storage, queue: string): void {
  for (const wake of listeners.get(storage)?.get(queue) ?? []) wake();
  storage.notifier?.publish({ queue, kind: 'schedule' });
}

/**
 * Wakes what a resumed queue may now run, here and in other processes: idle workers (an `added`
 * notice) and the schedule loops, so a tick a drain refused fires now, not at their next read. @internal
 */
export function wakeResumed(storage: Storage, queue: string, now: number): void {
  storage.notifier?.publish({ queue, kind: 'added', runAt: now });
  scheduleChanged(storage, queue);
}
