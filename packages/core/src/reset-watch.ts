/**
 * Reset listeners held weakly: a `Queue` has no `close()`, so a listener holding it strongly
 * would keep every queue object ever made alive for as long as its storage.
 * @internal
 * @module
 */
import type { Notifier } from './storage-notify.js';

/** Unsubscribes the listener of an owner that was garbage-collected. */
const collected = new FinalizationRegistry<() => void>((off) => off());

/**
 * Calls `restore(owner)` after each reset `notifier` reports, for as long as `owner` lives, and
 * never keeps `owner` alive. `restore` must not close over it, nor be made inside one of its
 * methods (a closure there keeps the method's `this`). Returns false when the notifier reports
 * no resets.
 * @internal
 */
export function onResetWeakly<T extends object>(notifier: Notifier | undefined, owner: T, restore: (owner: T) => Promise<unknown>): boolean {
  if (!notifier?.onReset) return false;
  const ref = new WeakRef(owner);
  const off = notifier.onReset(async () => {
    const live = ref.deref();
    if (live) await restore(live);
  });
  collected.register(owner, off);
  return true;
}
