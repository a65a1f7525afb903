/**
 * The Postgres notifier: LISTEN/NOTIFY for wake-ups and cancels, the event journal for queue
 * events, and in-process delivery for subscribers of the same storage.
 *
 * - `added` and `cancel` notices are sent by the SQL that makes them true (enqueue, retry,
 *   promote, resume, cancel, a settle that frees a slot of a limited queue), with `pg_notify`
 *   in the same transaction: they reach every process only once the write commits, so a job added
 *   inside a caller's transaction wakes no one before it is visible. `publish` of those kinds is
 *   therefore a no-op here.
 * - `event` notices go to this storage's own subscribers at once, and through the
 *   {@link EventJournal} to other storages (other processes) that listen remotely.
 * - The LISTEN connection opens with the first subscriber and closes with the last. After it
 *   drops and comes back, every subscriber gets a `changed` notice: whatever it waits for, it
 *   reads again, so nothing sent meanwhile is lost.
 * @module
 * @internal
 */
import { EventEmitter } from 'node:events';
import { deliverNotice, type Notifier, type StorageNotice } from '@waitline/core';
import { channelOf, type PgContext } from './context.js';
import { EventJournal } from './event-journal.js';
import { ListenConnection } from './listen.js';
import type pg from 'pg';

const ALL_QUEUES = '*';

/** A NOTIFY payload as the SQL writes it (short keys keep it small). */
interface WirePayload {
  q?: string;
  k: 'added' | 'cancel' | 'event';
  j?: string;
  r?: number;
}

/** The notifier of one storage instance. @internal */
export class PgNotifier implements Notifier {
  private readonly emitter = new EventEmitter();
  private readonly journal: EventJournal;
  private listen: ListenConnection | null = null;
  private subscribers = 0;

  constructor(
    ctx: PgContext,
    private readonly clientConfig: pg.ClientConfig,
  ) {
    this.emitter.setMaxListeners(0);
    this.journal = new EventJournal(ctx, (n) => this.deliver(n));
    this.channel = channelOf(ctx.schema);
  }

  private readonly channel: string;

  publish(notice: StorageNotice): void {
    if (notice.kind !== 'event') return;
    this.deliver(notice);
    this.journal.publish(notice);
  }

  subscribe(queue: string, listener: (notice: StorageNotice) => void, options?: { remote?: boolean }): () => void {
    this.emitter.on(queue, listener);
    this.subscribers += 1;
    this.listen ??= new ListenConnection(this.clientConfig, this.channel, {
      onPayload: (payload) => this.onPayload(payload),
      onListening: (reconnected) => reconnected && this.broadcastChanged(),
    });
    if (options?.remote) this.journal.listen(queue);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.emitter.off(queue, listener);
      if (options?.remote) this.journal.unlisten(queue);
      this.subscribers -= 1;
      if (this.subscribers === 0) {
        void this.listen?.close();
        this.listen = null;
      }
    };
  }

  private onPayload(payload: string): void {
    let wire: WirePayload;
    try {
      wire = JSON.parse(payload) as WirePayload;
    } catch {
      return;
    }
    if (wire.k === 'event') {
      this.journal.read();
      return;
    }
    if (typeof wire.q !== 'string') return;
    const notice: StorageNotice = { queue: wire.q, kind: wire.k };
    if (wire.j !== undefined) notice.jobId = wire.j;
    if (wire.r !== undefined) notice.runAt = wire.r;
    this.deliver(notice);
  }

  /** After a reconnect: every subscriber re-reads what it waits for, and the journal catches up. */
  private broadcastChanged(): void {
    for (const name of this.emitter.eventNames()) deliverNotice(this.emitter, String(name), { queue: String(name), kind: 'changed' });
    this.journal.read();
  }

  /** Delivers to the queue's subscribers and to those of every queue. */
  private deliver(notice: StorageNotice): void {
    deliverNotice(this.emitter, notice.queue, notice);
    if (notice.queue !== ALL_QUEUES) deliverNotice(this.emitter, ALL_QUEUES, notice);
  }

  /** Ends the LISTEN connection and the journal's timers. */
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    this.subscribers = 0;
    const listen = this.listen;
    this.listen = null;
    await Promise.all([listen?.close(), this.journal.close()]);
  }
}
