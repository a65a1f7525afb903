/**
 * The optional notification seam of a storage, and the descriptor that reopens a storage elsewhere.
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { StorageResetError } from './errors.js';
import type { JobId } from './job-record.js';

/** A message carried by a {@link Notifier}: plain JSON. */
export interface StorageNotice {
  queue: string;
  /**
   * `added` wakes idle workers; `cancel` reaches the worker owning `jobId`; `event` carries a queue
   * event; `schedule` says a schedule of the queue was created, changed or removed (core publishes
   * it after `upsertSchedule` and `removeSchedule`; a storage whose writes carry notices sends it
   * at commit instead), so workers re-read their due schedules; `changed` says only that another
   * process wrote something (a storage that can detect writes but not carry messages sends it):
   * whoever waits re-reads what it waits for.
   */
  kind: 'added' | 'cancel' | 'event' | 'schedule' | 'changed';
  jobId?: JobId;
  runAt?: number;
  /** For `event`: the event name and its payload. */
  event?: string;
  data?: unknown;
  /** Who published it (a worker id), so a publisher can ignore its own notices. */
  source?: string;
}

/**
 * An optional wake-up and event channel. Without one, workers poll. Delivery is best-effort:
 * core never relies on a notice for correctness, only for latency.
 */
export interface Notifier {
  /** Sends a notice to every subscriber of its queue that the storage can reach; never throws. */
  publish(notice: StorageNotice): void;
  /**
   * Optional: delivers a notice to this process's subscribers only, for a notice the storage's own
   * write already sent to every other process (an `added` its enqueue `announced`); never throws.
   * Without it, such a notice reaches this process the way it reaches the others.
   */
  publishLocal?(notice: StorageNotice): void;
  /**
   * Starts delivering notices of `queue` (every queue when `'*'`); returns an unsubscribe function.
   * With `remote: true` the subscriber also wants `event` notices published in other processes; a
   * storage whose channel is not cross-process by nature may carry them only for such subscribers.
   */
  subscribe(queue: string, listener: (notice: StorageNotice) => void, options?: { remote?: boolean }): () => void;
  /**
   * Optional, for a storage that can lose its data under a live process (Redis restarted without
   * persistence, `FLUSHALL`): calls `listener` in this process each time the storage finds its
   * data wiped, after it has written its schema again. No queue channel is subscribed for it. A
   * promise the listener returns is awaited before the storage reports what was restored.
   * Returns the unsubscribe function.
   */
  onReset?(listener: (error: StorageResetError) => unknown): () => void;
}

/**
 * Publishes an `added` wake-up after an enqueue; when the enqueue `announced` it to the other
 * processes (`EnqueueResult.announced`), delivers it in this process only (a notifier without
 * `publishLocal` hears the write's own notice instead). @internal
 */
export function publishAdded(notifier: Notifier | undefined, notice: StorageNotice, announced: boolean | undefined): void {
  if (announced === true) notifier?.publishLocal?.(notice);
  else notifier?.publish(notice);
}

/**
 * Plain data that reopens the same storage in another thread or process: a module to import, the
 * export that has a static `fromDescriptor(options)`, and serialisable options. No live handles.
 * `fromDescriptor` migrates only when the options ask for it; a `describe()` result never does.
 */
export interface StorageDescriptor {
  moduleUrl: string;
  exportName: string;
  options: Record<string, unknown>;
}

/**
 * For storage adapters: calls every listener `emitter` holds under `channel` with `notice`. Every
 * listener is called even when one throws; the error is rethrown on a later microtask (an
 * uncaught error, as an EventEmitter listener's would be), never at the publisher.
 */
export function deliverNotice(emitter: EventEmitter, channel: string, notice: StorageNotice): void {
  for (const listener of emitter.listeners(channel)) {
    try {
      (listener as (n: StorageNotice) => void)(notice);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
