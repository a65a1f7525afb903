/**
 * The Redis notifier: notices travel over pub/sub, one channel per queue, so they reach every
 * process on the same server or cluster (`crossProcessEvents: true`). A publisher delivers to its
 * own subscribers at once and tags the message with its origin, so it ignores its own echo.
 *
 * Pub/sub keeps nothing for a subscriber that is away. When the subscriber connection comes back,
 * the notifier subscribes every listened queue again (ioredis does too, but not a SUBSCRIBE that
 * failed while the server was away) and, once the server confirms, sends each a `changed` notice:
 * workers look for jobs and re-read their running jobs' cancel requests, so nothing missed while
 * away waits longer than that reconnect. A new subscription gets one too once confirmed, for what
 * was published while it was being set up. Delivery stays best-effort, as the seam allows: core
 * polls too.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Notifier, StorageNotice } from '@waitline/core';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connection.js';
import type { KeySpace } from './keys.js';

/** Subscribers of every queue listen under this name. */
const ALL_QUEUES = '*';

interface Envelope {
  origin: string;
  notice: StorageNotice;
}

function deliver(emitter: EventEmitter, name: string, notice: StorageNotice): void {
  for (const listener of emitter.listeners(name)) {
    try {
      (listener as (n: StorageNotice) => void)(notice);
    } catch (err) {
      // A failing listener must not break the others; surface it like an EventEmitter would.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

/** A notifier over Redis pub/sub, with its own subscriber connection (opened on first subscribe). @internal */
export class RedisNotifier implements Notifier {
  private readonly origin = randomUUID();
  private readonly emitter = new EventEmitter();
  private subscriber: RedisClient | null = null;
  private pinned: Redis | null = null;
  private readonly onError: (err: unknown) => void = () => undefined;
  private closed = false;

  constructor(
    private readonly publisher: RedisClient,
    private readonly keys: KeySpace,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Delivers here at once and publishes to other processes; never throws. */
  publish(notice: StorageNotice): void {
    deliver(this.emitter, notice.queue, notice);
    if (notice.queue !== ALL_QUEUES) deliver(this.emitter, ALL_QUEUES, notice);
    if (this.closed) return;
    const envelope: Envelope = { origin: this.origin, notice };
    const via = this.publishVia();
    via.publish(this.keys.channel(notice.queue), JSON.stringify(envelope)).catch(() => {
      if (via === this.pinned) this.pinned = null;
    });
  }

  /** Listens to one queue (or `'*'`); subscribes its channel while it has listeners. */
  subscribe(queue: string, listener: (notice: StorageNotice) => void): () => void {
    this.emitter.on(queue, listener);
    if (this.emitter.listenerCount(queue) === 1) this.channelCommand(queue, true);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.emitter.off(queue, listener);
      if (this.emitter.listenerCount(queue) === 0) this.channelCommand(queue, false);
    };
  }

  /** Closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    const sub = this.subscriber;
    this.subscriber = null;
    this.emitter.removeAllListeners();
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  /**
   * A cluster sends PUBLISH (it names no key) to any node, and two nodes forward messages to a
   * subscriber in no common order: one process's notices would arrive shuffled (job:progress
   * before job:active). Publishing through one pinned master keeps them in order.
   */
  private publishVia(): RedisClient {
    if (!(this.publisher instanceof Cluster)) return this.publisher;
    if (this.pinned?.status === 'ready') return this.pinned;
    const ready = this.publisher.nodes('master').filter((n) => n.status === 'ready');
    ready.sort((a, b) => `${a.options.host}:${a.options.port}`.localeCompare(`${b.options.host}:${b.options.port}`));
    this.pinned = ready[0] ?? null;
    return this.pinned ?? this.publisher;
  }

  private channelCommand(queue: string, on: boolean): void {
    if (this.closed) return;
    const sub = this.connection();
    const work =
      queue === ALL_QUEUES
        ? on
          ? sub.psubscribe(this.keys.channelPattern())
          : sub.punsubscribe(this.keys.channelPattern())
        : on
          ? sub.subscribe(this.keys.channel(queue))
          : sub.unsubscribe(this.keys.channel(queue));
    // A notice published between subscribe() and the server's confirmation was not heard: once
    // subscribed, tell the queue's listeners to look for themselves.
    work.then(() => on && this.changed(queue), this.onError);
  }

  private connection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const sub: RedisClient = this.publisher instanceof Cluster ? this.publisher.duplicate() : this.publisher.duplicate();
    let readyBefore = false;
    sub.on('error', this.onError);
    sub.on('ready', () => {
      if (readyBefore) this.catchUp();
      readyBefore = true;
    });
    sub.on('message', (_channel: string, message: string) => this.receive(message, false));
    sub.on('pmessage', (_pattern: string, _channel: string, message: string) => this.receive(message, true));
    this.subscriber = sub;
    return sub;
  }

  private receive(message: string, viaPattern: boolean): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.origin || !envelope.notice) return;
    deliver(this.emitter, viaPattern ? ALL_QUEUES : envelope.notice.queue, envelope.notice);
  }

  /**
   * After a reconnect: subscribes every listened queue again (ioredis resubscribes too, but not a
   * SUBSCRIBE that failed while the server was away; a repeated one is harmless), and once each is
   * confirmed tells its listeners that something may have changed meanwhile.
   */
  private catchUp(): void {
    for (const name of this.emitter.eventNames()) this.channelCommand(String(name), true);
  }

  private changed(queue: string): void {
    if (!this.closed) deliver(this.emitter, queue, { queue, kind: 'changed' });
  }
}
