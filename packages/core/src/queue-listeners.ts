/**
 * The events half of a `Queue`: this process's events of the queue, on a `WaitlineEmitter`
 * (`on`, `once`, `off`), and `emit`, which also publishes each event for `QueueEvents`.
 * @module
 */
import { WaitlineEmitter, type WaitlineEventMap, type WaitlineEventName } from './events.js';
import type { JobId, JobRecord } from './job-record.js';
import type { Storage, StorageNotice } from './storage.js';
import { publishAdded } from './storage-notify.js';

/** Subscriptions to one queue's events in this process; `Queue` extends it. */
export abstract class QueueListeners {
  /** The emitter `emit` emits on. @internal */
  protected readonly emitter = new WaitlineEmitter();
  /** The queue's name. */
  abstract readonly name: string;
  /** The queue's storage. */
  abstract readonly storage: Storage;

  /** Emits locally and publishes on the storage's notifier for `QueueEvents` elsewhere. @internal */
  emit<K extends WaitlineEventName>(event: K, payload: WaitlineEventMap[K], source?: string): void {
    this.emitter.emit(event, ...([payload] as never));
    const notice: StorageNotice = { queue: this.name, kind: 'event', event, data: payload };
    if (source !== undefined) notice.source = source;
    if ('jobId' in payload) notice.jobId = (payload as { jobId: JobId }).jobId;
    this.storage.notifier?.publish(notice);
  }

  /**
   * After an add: `job:added` for each job it inserted, and one wake-up for workers at the earliest
   * `runAt`, delivered in this process only when the storage's write `announced` it elsewhere.
   */
  protected announceAdded(records: readonly JobRecord[], inserted: readonly boolean[], announced = false): void {
    let earliest = Number.POSITIVE_INFINITY;
    records.forEach((r, i) => {
      if (!inserted[i]) return;
      earliest = Math.min(earliest, r.runAt);
      this.emit('job:added', { queue: this.name, jobId: r.id, name: r.name, priority: r.priority, runAt: r.runAt });
    });
    if (earliest !== Number.POSITIVE_INFINITY) publishAdded(this.storage.notifier, { queue: this.name, kind: 'added', runAt: earliest }, announced);
  }

  /** Listens to this process's events of this queue. */
  on<K extends WaitlineEventName>(event: K, listener: (payload: WaitlineEventMap[K]) => void): this {
    this.emitter.on(event, listener as never);
    return this;
  }

  /** Listens to the next occurrence of one event of this process. */
  once<K extends WaitlineEventName>(event: K, listener: (payload: WaitlineEventMap[K]) => void): this {
    this.emitter.once(event, listener as never);
    return this;
  }

  /** Stops listening. */
  off<K extends WaitlineEventName>(event: K, listener: (payload: WaitlineEventMap[K]) => void): this {
    this.emitter.off(event, listener as never);
    return this;
  }
}
