/**
 * The one {@link Notifier} of every storage: local fan-out, subscription bookkeeping and the
 * cross-process event relay, fed by a storage's {@link NoticeTransport}.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { StorageResetError } from '../errors.js';
import { deliverNotice, type Notifier, type StorageNotice } from '../storage-notify.js';
import type { NoticeSink, NoticeTransport } from './transport.js';

/** Subscribers of every queue listen on this channel. */
const ALL_QUEUES = '*';
/** How often the hub refreshes its registrations as a remote listener. */
const REFRESH_MS = 1_000;
/** How long the hub trusts an answer to "does another process want this queue's events". */
const WANTED_CACHE_MS = 500;
/** How long `close` waits for what was published before it to reach the transport. */
const CLOSE_DRAIN_MS = 2_000;

/** What a {@link NoticeHub} is built with. */
export interface NoticeHubOptions {
  /** How notices reach other processes; without one, notices reach this hub's subscribers only. */
  transport?: NoticeTransport;
  /** Becomes the notifier's `onReset` (for a storage that can find its data wiped). */
  onReset?: (listener: (error: StorageResetError) => unknown) => () => void;
}

/**
 * A {@link Notifier} for storage authors. `publish` delivers to this hub's subscribers of the
 * notice's queue and of `'*'` at once (a throwing listener is reported on a later microtask, never
 * to the publisher), then hands the notice to the transport (or to its batch of this turn of the
 * event loop, for a transport with `sendBatch`; while a batch the transport returned a promise for
 * is being written, the next one waits, so writes that could overlap keep their order): `added`,
 * `cancel` and `changed` always, `event` only while the transport says another process wants that
 * queue's events (asked at most twice a second per queue; events leave in publication order).
 * Kinds the transport lists in `carriedByWrites` are neither delivered nor sent: the storage's
 * writes carry them. The hub tells the transport when the first subscriber arrives and the last
 * leaves, when a channel gets its first listener and loses its last, and when a queue gets its
 * first and loses its last remote subscriber (refreshing those registrations every second).
 * Notices the transport receives carry the sender's origin, so the hub drops its own echo. `close`
 * sends what was published before it (waiting up to two seconds for the transport's answers and
 * writes) before closing the transport.
 */
export class NoticeHub implements Notifier {
  /** This hub, as its transport labels what it sends; received notices with it are dropped. */
  readonly origin = randomUUID();
  /** Set only when the hub was given `onReset`. */
  readonly onReset?: (listener: (error: StorageResetError) => unknown) => () => void;
  private readonly emitter = new EventEmitter();
  private readonly transport: NoticeTransport | undefined;
  private readonly sink: NoticeSink;
  private readonly remote = new Map<string, number>();
  private readonly wanted = new Map<string, { until: number; yes: boolean }>();
  private subscribers = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private checking = 0;
  private batch: StorageNotice[] = [];
  /** The batch the transport is writing, when its `sendBatch` returned a promise. */
  private sending: Promise<void> | undefined;
  /** Set when `close` starts: no new publication, subscription or transport call. */
  private closed = false;
  /** Set once `close` is done waiting: nothing more reaches the transport. */
  private released = false;
  private closing: Promise<void> | undefined;

  /** A hub with no subscribers; nothing is opened before the first subscription. */
  constructor(options: NoticeHubOptions = {}) {
    this.emitter.setMaxListeners(0); // one listener per worker and per QueueEvents: no leak warning
    this.transport = options.transport;
    if (options.onReset) this.onReset = options.onReset;
    this.sink = {
      deliver: (notice, origin) => origin !== this.origin && this.deliver(notice),
      deliverTo: (channel, notice, origin) => origin !== this.origin && deliverNotice(this.emitter, channel, notice),
      changed: (channel) => this.changed(channel),
      channels: () => this.emitter.eventNames().map(String),
      remoteQueues: () => [...this.remote.keys()],
    };
  }

  /** Delivers here at once and hands the notice to the transport (see the class); never throws. */
  publish(notice: StorageNotice): void {
    if (this.transport?.carriedByWrites?.includes(notice.kind)) return;
    this.deliver(notice);
    if (this.closed || !(this.transport?.send || this.transport?.sendBatch)) return;
    if (notice.kind !== 'event' || !this.transport.wantedElsewhere) this.send(notice);
    else this.relay(notice);
  }

  /** Delivers to this hub's subscribers only, at once (see `Notifier.publishLocal`); never throws. */
  publishLocal(notice: StorageNotice): void {
    if (!this.closed) this.deliver(notice);
  }

  /**
   * Starts delivering notices of `queue` (`'*'`: every queue); with `remote: true` the hub also
   * registers as a listener of the queue's events in other processes. The returned function
   * unsubscribes, once.
   */
  subscribe(queue: string, listener: (notice: StorageNotice) => void, options?: { remote?: boolean }): () => void {
    this.emitter.on(queue, listener);
    this.subscribers += 1;
    if (this.subscribers === 1) this.call((t) => t.start?.(this.sink));
    if (this.emitter.listenerCount(queue) === 1) this.call((t) => t.listen?.(queue));
    const remote = options?.remote === true;
    if (remote) this.countRemote(queue, 1);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.emitter.off(queue, listener);
      if (remote) this.countRemote(queue, -1);
      if (this.emitter.listenerCount(queue) === 0) this.call((t) => t.unlisten?.(queue));
      this.subscribers -= 1;
      if (this.subscribers === 0) this.call((t) => t.stop?.());
    };
  }

  /**
   * Drops every subscriber at once, sends what was published before (events still waiting for a
   * "wanted elsewhere" answer included, in order; up to two seconds), then closes the transport.
   * Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    this.emitter.removeAllListeners();
    this.subscribers = 0;
    this.remote.clear();
    this.flush(); // what this turn sent leaves now, ahead of what still waits for an answer
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_DRAIN_MS);
      timer.unref?.(); // a stuck write never keeps the process alive
    });
    await Promise.race([this.drain(), limit]);
    clearTimeout(timer);
    this.released = true;
    await this.transport?.close?.();
  }

  /** Resolves once every event published so far has been handed to the transport, and written. */
  private async drain(): Promise<void> {
    await this.chain;
    this.flush();
    while (this.sending) await this.sending;
  }

  /** Calls the transport for a subscription change; never after `close` started. */
  private call(fn: (transport: NoticeTransport) => void): void {
    if (this.transport && !this.closed) fn(this.transport);
  }

  private deliver(notice: StorageNotice): void {
    deliverNotice(this.emitter, notice.queue, notice);
    if (notice.queue !== ALL_QUEUES) deliverNotice(this.emitter, ALL_QUEUES, notice);
  }

  /** A `changed` notice to the listeners of `channel`, or of every channel. */
  private changed(channel?: string): void {
    if (this.closed) return;
    const channels = channel === undefined ? this.emitter.eventNames().map(String) : [channel];
    for (const name of channels) deliverNotice(this.emitter, name, { queue: name, kind: 'changed' });
  }

  /** Hands `notice` to the transport, at once or in this turn's batch (after the batch being written). */
  private send(notice: StorageNotice): void {
    if (this.released) return;
    if (!this.transport?.sendBatch) {
      this.safely(() => this.transport?.send?.(notice, this.origin));
      return;
    }
    this.batch.push(notice);
    if (this.batch.length === 1 && !this.sending) setImmediate(() => this.flush());
  }

  /**
   * Hands the waiting batch to the transport, unless one is still being written: then it leaves
   * when that write settles, so two writes never overlap (pooled connections would commit them in
   * any order).
   */
  private flush(): void {
    if (this.sending || this.batch.length === 0 || this.released) return;
    const batch = this.batch;
    this.batch = [];
    const written = this.safely(() => this.transport?.sendBatch?.(batch, this.origin));
    if (!isThenable(written)) return;
    this.sending = Promise.resolve(written).then(
      () => this.written(),
      () => this.written(),
    );
  }

  /** A batch write settled: the next batch, if any, leaves now. */
  private written(): void {
    this.sending = undefined;
    this.flush();
  }

  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch {
      // Best effort: a notice is for latency; nothing depends on it.
      return undefined;
    }
  }

  /**
   * Sends an event when wanted elsewhere. A cached answer, or one the transport gives at once,
   * decides now; otherwise events wait in one chain while the check is out, so they leave in order.
   */
  private relay(notice: StorageNotice): void {
    let answer: boolean | Promise<boolean> | undefined;
    if (this.checking === 0) {
      answer = this.wantedNow(notice.queue);
      if (typeof answer === 'boolean') {
        if (answer) this.send(notice);
        return;
      }
    }
    const started = answer;
    this.checking += 1;
    this.chain = this.chain
      .then(async () => {
        const known = this.wanted.get(notice.queue);
        const yes = known && known.until > Date.now() ? known.yes : this.remember(notice.queue, await (started ?? this.ask(notice.queue)));
        if (yes) this.send(notice); // published before close: still sent while the transport is open
      })
      .catch(() => undefined)
      .finally(() => {
        this.checking -= 1;
      });
  }

  /** The cached answer, or the transport's (remembered when it answers at once). */
  private wantedNow(queue: string): boolean | Promise<boolean> {
    const cached = this.wanted.get(queue);
    if (cached && cached.until > Date.now()) return cached.yes;
    const answer = this.ask(queue);
    return typeof answer === 'boolean' ? this.remember(queue, answer) : answer;
  }

  private ask(queue: string): boolean | Promise<boolean> {
    if (this.released) return false;
    return this.transport?.wantedElsewhere?.(queue, this.origin) ?? false;
  }

  private remember(queue: string, yes: boolean): boolean {
    this.wanted.set(queue, { until: Date.now() + WANTED_CACHE_MS, yes });
    return yes;
  }

  /** Counts remote subscriptions of `queue`; tells the transport of the first and the last. */
  private countRemote(queue: string, delta: 1 | -1): void {
    const n = (this.remote.get(queue) ?? 0) + delta;
    if (n > 0) this.remote.set(queue, n);
    else this.remote.delete(queue);
    if (n === 1 && delta === 1) this.call((t) => t.listenRemote?.(queue, this.origin));
    if (n === 0) this.call((t) => t.unlistenRemote?.(queue, this.origin));
    if (this.remote.size > 0 && !this.refreshTimer && this.transport?.refreshRemote) {
      this.refreshTimer = setInterval(() => this.call((t) => t.refreshRemote?.([...this.remote.keys()], this.origin)), REFRESH_MS);
      this.refreshTimer.unref?.();
    } else if (this.remote.size === 0) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
