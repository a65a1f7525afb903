/**
 * The in-process notifier of a `MemoryStorage`: an EventEmitter channel per queue, plus `'*'` for
 * subscribers of every queue. Delivery is synchronous and reaches only this process, which is
 * everything a storage in memory has.
 * @module
 * @internal
 */
import { EventEmitter } from 'node:events';
import { deliverNotice, type Notifier, type StorageNotice } from '../storage-notify.js';

/** Subscribers of every queue listen on this channel. */
const ALL_QUEUES = '*';

/** A notifier and the function that drops its subscribers when the storage closes. @internal */
export interface MemoryNotifier {
  notifier: Notifier;
  close(): void;
}

/**
 * A notifier whose `publish` calls every subscriber of the notice's queue and of every queue at
 * once (a throwing listener is reported on a later microtask, never to the publisher).
 * @internal
 */
export function memoryNotifier(): MemoryNotifier {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per worker and per QueueEvents: no leak warning
  const notifier: Notifier = {
    publish(notice: StorageNotice) {
      deliverNotice(emitter, notice.queue, notice);
      if (notice.queue !== ALL_QUEUES) deliverNotice(emitter, ALL_QUEUES, notice);
    },
    subscribe(queue, listener) {
      emitter.on(queue, listener);
      return () => {
        emitter.off(queue, listener);
      };
    },
  };
  return { notifier, close: () => emitter.removeAllListeners() };
}
