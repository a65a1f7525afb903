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
 *
 * Queue events (`event` notices) are published only while some other process listens to the
 * queue through a `QueueEvents` (a `remote` subscription): such a subscriber keeps its id in the
 * queue's `listeners` sorted set (expiring in 5 s, refreshed every second), and a publisher asks
 * that set at most twice a second per queue. A queue nobody watches from elsewhere costs no
 * PUBLISH per job; wake-ups (`added`) and cancels are always published.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { deliverNotice, type Notifier, type StorageNotice, type StorageResetError } from '@waitline/core';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connection.js';
import type { KeySpace } from './keys.js';

/** Subscribers of every queue listen under this name. */
const ALL_QUEUES = '*';
/** A remote listener's registration lasts this long unless refreshed (every REFRESH_MS). */
const LISTENER_TTL_MS = 5_000;
const REFRESH_MS = 1_000;
/** How long a publisher trusts its answer to "does anyone elsewhere want this queue's events". */
const WANTED_CACHE_MS = 500;

interface Envelope {
  origin: string;
  notice: StorageNotice;
}

/** A notifier over Redis pub/sub, with its own subscriber connection (opened on first subscribe). @internal */
export class RedisNotifier implements Notifier {
  private readonly origin = randomUUID();
  private readonly emitter = new EventEmitter();
  private subscriber: RedisClient | null = null;
  private pinned: Redis | null = null;
  private readonly onError: (err: unknown) => void = () => undefined;
  private closed = false;
  /** Queues this notifier listens to remotely, with their subscription counts. */
  private readonly remote = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly wanted = new Map<string, { until: number; yes: boolean }>();
  private chain: Promise<void> = Promise.resolve();
  private checking = 0;

  constructor(
    private readonly publisher: RedisClient,
    private readonly keys: KeySpace,
    private readonly listenResets: (listener: (error: StorageResetError) => unknown) => () => void,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` after each wipe of the data this storage finds (see `reset-watch.ts`); subscribes no channel. */
  onReset(listener: (error: StorageResetError) => unknown): () => void {
    return this.listenResets(listener);
  }

  /** Delivers here at once and publishes to other processes (events only when wanted); never throws. */
  publish(notice: StorageNotice): void {
    deliverNotice(this.emitter, notice.queue, notice);
    if (notice.queue !== ALL_QUEUES) deliverNotice(this.emitter, ALL_QUEUES, notice);
    if (this.closed) return;
    if (notice.kind !== 'event') {
      this.send(notice);
      return;
    }
    const cached = this.wanted.get(notice.queue);
    if (this.checking === 0 && cached && cached.until > Date.now()) {
      if (cached.yes) this.send(notice);
      return;
    }
    // Events wait in one chain while a check is out, so they leave in publication order.
    this.checking += 1;
    this.chain = this.chain
      .then(async () => {
        const known = this.wanted.get(notice.queue);
        const yes = known && known.until > Date.now() ? known.yes : await this.wantedElsewhere(notice.queue);
        if (yes && !this.closed) this.send(notice);
      })
      .catch(this.onError)
      .finally(() => {
        this.checking -= 1;
      });
  }

  private send(notice: StorageNotice): void {
    const envelope: Envelope = { origin: this.origin, notice };
    const via = this.publishVia();
    via.publish(this.keys.channel(notice.queue), JSON.stringify(envelope)).catch(() => {
      if (via === this.pinned) this.pinned = null;
    });
  }

  /** Whether a live remote listener other than this notifier wants `queue`'s events (cached). */
  private async wantedElsewhere(queue: string): Promise<boolean> {
    const now = Date.now();
    const key = this.keys.listeners(queue);
    const [count, mine] = await Promise.all([this.publisher.zcount(key, now, '+inf'), this.publisher.zscore(key, this.origin)]);
    const yes = count - (mine !== null && Number(mine) >= now ? 1 : 0) > 0;
    this.wanted.set(queue, { until: now + WANTED_CACHE_MS, yes });
    return yes;
  }

  /**
   * Listens to one queue (or `'*'`); subscribes its channel while it has listeners. With
   * `remote: true` it also registers as a listener of the queue's events, so that other processes
   * publish them.
   */
  subscribe(queue: string, listener: (notice: StorageNotice) => void, options?: { remote?: boolean }): () => void {
    this.emitter.on(queue, listener);
    if (this.emitter.listenerCount(queue) === 1) this.channelCommand(queue, true);
    const remote = options?.remote === true && queue !== ALL_QUEUES;
    if (remote) this.listenRemote(queue, 1);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.emitter.off(queue, listener);
      if (remote) this.listenRemote(queue, -1);
      if (this.emitter.listenerCount(queue) === 0) this.channelCommand(queue, false);
    };
  }

  /** Counts remote subscriptions of `queue`; registers the first, unregisters after the last. */
  private listenRemote(queue: string, delta: 1 | -1): void {
    const n = (this.remote.get(queue) ?? 0) + delta;
    if (n > 0) this.remote.set(queue, n);
    else this.remote.delete(queue);
    if (n === 1 && delta === 1) this.register([queue]);
    if (n === 0) this.publisher.zrem(this.keys.listeners(queue), this.origin).catch(this.onError);
    if (this.remote.size > 0 && !this.refreshTimer) {
      this.refreshTimer = setInterval(() => this.register([...this.remote.keys()]), REFRESH_MS);
      this.refreshTimer.unref?.();
    } else if (this.remote.size === 0) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  /** Writes (or refreshes) this notifier's registration on each queue; drops expired ones. */
  private register(queues: string[]): void {
    if (this.closed) return;
    const now = Date.now();
    for (const queue of queues) {
      const key = this.keys.listeners(queue);
      this.publisher.zadd(key, now + LISTENER_TTL_MS, this.origin).catch(this.onError);
      this.publisher.zremrangebyscore(key, '-inf', now).catch(this.onError);
    }
  }

  /** Closes the subscriber connection. */
  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    await Promise.allSettled([...this.remote.keys()].map((q) => this.publisher.zrem(this.keys.listeners(q), this.origin)));
    this.remote.clear();
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
    deliverNotice(this.emitter, viaPattern ? ALL_QUEUES : envelope.notice.queue, envelope.notice);
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
    if (!this.closed) deliverNotice(this.emitter, queue, { queue, kind: 'changed' });
  }
}
