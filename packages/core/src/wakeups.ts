/**
 * What wakes a waiting `Queue` call (`finished`, `drain`, `whenIdle`) before its next poll: this
 * process's events and the storage's notices.
 * @internal
 * @module
 */
import type { WaitlineEmitter, WaitlineEventName } from './events.js';
import type { Notifier, StorageNotice } from './storage.js';

/** Where wake-ups come from: this process's queue events, and the storage's notices of one queue. @internal */
export interface WakeSource {
  emitter: WaitlineEmitter;
  notifier: Notifier | undefined;
  queue: string;
}

/**
 * Calls `wake` on this process's `events` that `isLocal` accepts, on notices that `isNotice`
 * accepts, and on every `changed` notice (another process wrote); returns the unsubscribe.
 * @internal
 */
export function subscribeWakeups(
  source: WakeSource,
  events: WaitlineEventName[],
  isLocal: (payload: unknown) => boolean,
  isNotice: (notice: StorageNotice) => boolean,
  wake: () => void,
): () => void {
  const onLocal = (p: unknown) => isLocal(p) && wake();
  for (const n of events) source.emitter.on(n, onLocal);
  const off = source.notifier?.subscribe(source.queue, (n) => (n.kind === 'changed' || isNotice(n)) && wake());
  return () => {
    for (const n of events) source.emitter.off(n, onLocal);
    off?.();
  };
}
