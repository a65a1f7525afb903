/**
 * The listening half of a `Queue`: this process's events of the queue, on a `WaitlineEmitter`
 * (`on`, `once`, `off`). `Queue` emits on it and also publishes each event for `QueueEvents`.
 * @module
 */
import { WaitlineEmitter, type WaitlineEventMap, type WaitlineEventName } from './events.js';

/** Subscriptions to one queue's events in this process; `Queue` extends it. */
export abstract class QueueListeners {
  /** The emitter `Queue.emit` emits on. @internal */
  protected readonly emitter = new WaitlineEmitter();

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
