/**
 * The primitive a storage gives its {@link NoticeHub}: how notices leave this process and how
 * other processes' notices come back. Every member is optional: a storage implements what its
 * medium can do, and the hub does the rest (fan-out, counting, caching, ordering, echo filtering).
 * @module
 */
import type { StorageNotice } from '../storage-notify.js';

/** How a transport hands what it receives to the hub's subscribers. */
export interface NoticeSink {
  /**
   * Delivers `notice` to the subscribers of its queue and of `'*'`; dropped when `origin` is the
   * hub's own (its echo).
   */
  deliver(notice: StorageNotice, origin?: string): void;
  /** Delivers `notice` to the subscribers of exactly `channel` (a queue or `'*'`); own echo dropped. */
  deliverTo(channel: string, notice: StorageNotice, origin?: string): void;
  /**
   * Sends a `changed` notice to the subscribers of `channel`, or of every channel when omitted:
   * for what the transport may have missed (a reconnect, a subscription not yet confirmed, a
   * write it can see but not read).
   */
  changed(channel?: string): void;
  /** The channels that have subscribers now. */
  channels(): string[];
  /** The queues (and `'*'`) that have remote subscribers now. */
  remoteQueues(): string[];
}

/**
 * A storage's medium for notices between processes. The hub calls `start` with the first
 * subscriber and `stop` after the last (and `start` again for a new first one); `listen` and
 * `unlisten` at each channel's first and last subscriber; `listenRemote` and `unlistenRemote` at a
 * queue's first and last remote subscriber, and `refreshRemote` every second in between. None of
 * them is called after the hub closes. A transport never throws at the hub: it drops what fails.
 */
export interface NoticeTransport {
  /**
   * Kinds the storage's own writes send to every process, this one included (Postgres's NOTIFY
   * at commit): the hub's `publish` drops them, neither delivering nor sending.
   */
  readonly carriedByWrites?: ReadonlyArray<StorageNotice['kind']>;
  /**
   * Sends a notice to other processes, labelled with the hub's `origin`. Called for every
   * published notice except those in `carriedByWrites`, and for an `event` only while
   * `wantedElsewhere` said yes; in publication order for events of one queue.
   */
  send?(notice: StorageNotice, origin: string): void;
  /**
   * Like `send`, for a medium that writes in batches (a journal table): used instead of `send`
   * when present, called at most once per turn of the event loop with what the hub sent since the
   * last call, in publication order (never with an empty list). When it returns a promise, the
   * hub calls it again only after that promise settles (what is sent meanwhile waits, then leaves
   * as one batch), so writes never overlap and are stored in publication order even over a
   * connection pool; the hub's `close` waits for it (up to two seconds) before calling `close`.
   */
  sendBatch?(notices: StorageNotice[], origin: string): void | Promise<void>;
  /**
   * Whether a live remote listener other than `origin` wants `queue`'s events. The hub caches
   * the answer for half a second. Without it, every event is sent.
   */
  wantedElsewhere?(queue: string, origin: string): boolean | Promise<boolean>;
  /** The first subscriber arrived: start receiving, and hand what arrives to `sink`. */
  start?(sink: NoticeSink): void;
  /** The last subscriber left: stop receiving (a later `start` begins again). */
  stop?(): void;
  /** `channel` (a queue or `'*'`) got its first subscriber. */
  listen?(channel: string): void;
  /** `channel` lost its last subscriber. */
  unlisten?(channel: string): void;
  /** `queue` (or `'*'`) got its first remote subscriber: register as its listener, as `origin`. */
  listenRemote?(queue: string, origin: string): void;
  /** `queue` lost its last remote subscriber: unregister. */
  unlistenRemote?(queue: string, origin: string): void;
  /** Called every second while any queue has remote subscribers: keep the registrations alive. */
  refreshRemote?(queues: string[], origin: string): void;
  /** The hub closes: release every connection and timer (awaited by the hub's `close`). */
  close?(): void | Promise<void>;
}
