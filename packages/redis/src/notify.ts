/**
 * The Redis notice transport under core's `NoticeHub`: notices travel over pub/sub, one channel per queue, so they reach every
 * process on the same server or cluster (`crossProcessEvents: true`). The hub delivers to its own
 * subscribers at once; the message carries the hub's origin, so the hub ignores its own echo.
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
 * queue's `listeners` sorted set (expiring in 5 s, refreshed every second by the hub), and a
 * publisher's hub asks that set at most twice a second per queue. A queue nobody watches from elsewhere costs no
 * PUBLISH per job; wake-ups (`added`) and cancels are always published. An add's wake-up is
 * published by the enqueue script itself, in this envelope, from this hub's origin (`enqueue.ts`).
 * @module
 * @internal
 */
import { type NoticeSink, type NoticeTransport, NoticeHub, type StorageNotice, type StorageResetError } from '@waitline/core';
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './connection.js';
import type { KeySpace } from './keys.js';

/** Subscribers of every queue listen under this name. */
const ALL_QUEUES = '*';
/** A remote listener's registration lasts this long unless refreshed (every second, by the hub). */
const LISTENER_TTL_MS = 5_000;

interface Envelope {
  origin: string;
  notice: StorageNotice;
}

/** Pub/sub with its own subscriber connection (opened on the first channel listened to). @internal */
class PubSubTransport implements NoticeTransport {
  private sink: NoticeSink | undefined;
  private subscriber: RedisClient | null = null;
  private pinned: Redis | null = null;
  private readonly onError: (err: unknown) => void = () => undefined;
  private readonly registered = new Set<string>();
  private origin = '';
  private closed = false;

  constructor(
    private readonly publisher: RedisClient,
    private readonly keys: KeySpace,
  ) {}

  start(sink: NoticeSink): void {
    this.sink = sink;
  }

  send(notice: StorageNotice, origin: string): void {
    const envelope: Envelope = { origin, notice };
    const via = this.publishVia();
    via.publish(this.keys.channel(notice.queue), JSON.stringify(envelope)).catch(() => {
      if (via === this.pinned) this.pinned = null;
    });
  }

  /** Whether a live remote listener other than `origin` wants `queue`'s events. */
  async wantedElsewhere(queue: string, origin: string): Promise<boolean> {
    const now = Date.now();
    const key = this.keys.listeners(queue);
    const [count, mine] = await Promise.all([this.publisher.zcount(key, now, '+inf'), this.publisher.zscore(key, origin)]);
    return count - (mine !== null && Number(mine) >= now ? 1 : 0) > 0;
  }

  listen(channel: string): void {
    this.channelCommand(channel, true);
  }

  unlisten(channel: string): void {
    this.channelCommand(channel, false);
  }

  listenRemote(queue: string, origin: string): void {
    if (queue === ALL_QUEUES) return;
    this.registered.add(queue);
    this.register([queue], origin);
  }

  unlistenRemote(queue: string, origin: string): void {
    if (!this.registered.delete(queue)) return;
    this.publisher.zrem(this.keys.listeners(queue), origin).catch(this.onError);
  }

  refreshRemote(_queues: string[], origin: string): void {
    this.register([...this.registered], origin);
  }

  /** Writes (or refreshes) the registration on each queue; drops expired ones. */
  private register(queues: string[], origin: string): void {
    this.origin = origin;
    const now = Date.now();
    for (const queue of queues) {
      const key = this.keys.listeners(queue);
      this.publisher.zadd(key, now + LISTENER_TTL_MS, origin).catch(this.onError);
      this.publisher.zremrangebyscore(key, '-inf', now).catch(this.onError);
    }
  }

  /** Removes the registrations and closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.registered].map((q) => this.publisher.zrem(this.keys.listeners(q), this.origin)));
    this.registered.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  /**
   * A cluster sends PUBLISH (it names no key) to any node, and two nodes forward messages to a
   * subscriber in no common order: one process's notices would arrive shuffled (job:progress
   * before job:active). Publishing through one pinned master keeps them in order.
   */
  private publishVia(): RedisClient {
    // By shape, not instanceof: an app's client may come from another copy of ioredis.
    if (!isCluster(this.publisher)) return this.publisher;
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
    const sub: RedisClient = isCluster(this.publisher) ? this.publisher.duplicate() : this.publisher.duplicate();
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
    if (!envelope.notice) return;
    this.sink?.deliverTo(viaPattern ? ALL_QUEUES : envelope.notice.queue, envelope.notice, envelope.origin);
  }

  /**
   * After a reconnect: subscribes every listened queue again (ioredis resubscribes too, but not a
   * SUBSCRIBE that failed while the server was away; a repeated one is harmless), and once each is
   * confirmed tells its listeners that something may have changed meanwhile.
   */
  private catchUp(): void {
    for (const name of this.sink?.channels() ?? []) this.channelCommand(name, true);
  }

  private changed(queue: string): void {
    if (!this.closed) this.sink?.changed(queue);
  }
}

/**
 * The notifier of one storage: a core `NoticeHub` over pub/sub, whose `onReset` is the storage's
 * reset watch (see `reset-watch.ts`; it subscribes no channel). @internal
 */
export function redisNotifier(publisher: RedisClient, keys: KeySpace, onReset: (listener: (error: StorageResetError) => unknown) => () => void): NoticeHub {
  return new NoticeHub({ transport: new PubSubTransport(publisher, keys), onReset });
}
