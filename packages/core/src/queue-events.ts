/**
 * `QueueEvents`: a queue's events from every process, where the storage can carry them.
 * @module
 */
import { checkStorage } from './call-options.js';
import { WaitlineEmitter, type WaitlineEventMap, type WaitlineEventName, EVENT_NAMES } from './events.js';
import { parseQueueName } from './options.js';
import type { Storage, StorageNotice } from './storage.js';

/**
 * Listens to a queue's events as published by every `Queue` and `Worker` on the storage: across
 * processes when `storage.capabilities.crossProcessEvents` is true, within this process otherwise;
 * without a notifier it receives nothing (`job.finished()` falls back to polling). Events arrive
 * in publication order per process; across processes their order follows delivery.
 */
export class QueueEvents {
  private readonly emitter = new WaitlineEmitter();
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly storage: Storage,
    queue: string,
  ) {
    checkStorage(storage);
    const name = parseQueueName(queue);
    this.unsubscribe = storage.notifier?.subscribe(name, (n) => this.deliver(n), { remote: true });
  }

  /** True when events from other processes reach this object. */
  get crossProcess(): boolean {
    return this.storage.capabilities.crossProcessEvents && this.storage.notifier !== undefined;
  }

  private deliver(notice: StorageNotice): void {
    if (notice.kind !== 'event' || !notice.event) return;
    if (!EVENT_NAMES.includes(notice.event as WaitlineEventName)) return;
    this.emitter.emit(notice.event as WaitlineEventName, ...([notice.data] as never));
  }

  /** Listens to one event. */
  on<K extends WaitlineEventName>(event: K, listener: (payload: WaitlineEventMap[K]) => void): this {
    this.emitter.on(event, listener as never);
    return this;
  }

  /** Stops listening to one event. */
  off<K extends WaitlineEventName>(event: K, listener: (payload: WaitlineEventMap[K]) => void): this {
    this.emitter.off(event, listener as never);
    return this;
  }

  /** Stops receiving events. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.emitter.removeAllListeners();
  }
}
