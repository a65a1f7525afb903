/**
 * The Postgres notice transport under core's `NoticeHub`: LISTEN/NOTIFY for wake-ups and cancels,
 * the event journal for queue events.
 *
 * - `added` and `cancel` notices are sent by the SQL that makes them true (enqueue, retry,
 *   promote, resume, cancel, a settle that frees a slot of a limited queue), with `pg_notify`
 *   in the same transaction: they reach every process only once the write commits, so a job added
 *   inside a caller's transaction wakes no one before it is visible. So are `schedule` notices
 *   (upsert-schedule.sql, remove-schedule.sql). They are therefore `carriedByWrites`: the hub's
 *   `publish` drops them.
 * - `event` notices go to this storage's own subscribers at once (the hub), and through the
 *   {@link EventJournal} to other storages (other processes) that listen remotely.
 * - The LISTEN connection opens with the first subscriber and closes with the last. Once it
 *   listens, and again after it drops and comes back, every subscriber gets a `changed` notice:
 *   whatever it waits for, it reads again, so nothing sent before or meanwhile is lost.
 * @module
 * @internal
 */
import { type NoticeSink, type NoticeTransport, NoticeHub, type StorageNotice } from '@waitline/core';
import type pg from 'pg';
import { channelOf, type PgContext } from './context.js';
import { EventJournal } from './event-journal.js';
import { ListenConnection } from './listen.js';

/** A NOTIFY payload as the SQL writes it (short keys keep it small). */
interface WirePayload {
  q?: string;
  k: 'added' | 'cancel' | 'schedule' | 'event';
  j?: string;
  r?: number;
}

/** The notice a NOTIFY payload carries, or null for a journal wake-up or a payload it cannot read. */
function fromWire(payload: string): StorageNoticeOrEvent | null {
  let wire: WirePayload;
  try {
    wire = JSON.parse(payload) as WirePayload;
  } catch {
    return null;
  }
  if (wire.k === 'event') return 'event';
  if (typeof wire.q !== 'string') return null;
  const notice: StorageNotice = { queue: wire.q, kind: wire.k };
  if (wire.j !== undefined) notice.jobId = wire.j;
  if (wire.r !== undefined) notice.runAt = wire.r;
  return notice;
}

type StorageNoticeOrEvent = StorageNotice | 'event';

/** LISTEN/NOTIFY and the event journal of one storage instance, as its hub's transport. */
function pgTransport(ctx: PgContext, clientConfig: pg.ClientConfig): NoticeTransport {
  let sink: NoticeSink | undefined;
  let listen: ListenConnection | null = null;
  const journal = new EventJournal(ctx, (n) => sink?.deliver(n));
  const channel = channelOf(ctx.schema);
  return {
    carriedByWrites: ['added', 'cancel', 'schedule', 'changed'],
    // Returned, not dropped: the hub waits for each write, so two never overlap on the pool and commit out of order.
    sendBatch: (notices) => journal.write(notices),
    wantedElsewhere: (queue) => journal.wantedElsewhere(queue),
    start(to) {
      sink = to;
      listen ??= new ListenConnection(clientConfig, channel, {
        onPayload(payload) {
          const notice = fromWire(payload);
          if (notice === 'event') journal.read();
          else if (notice) sink?.deliver(notice);
        },
        // Every subscriber re-reads what it waits for once the LISTEN holds, the first time too: a
        // NOTIFY committed before it (a job added while the connection was opening) never arrives.
        // After a reconnect the journal catches up as well.
        onListening(reconnected) {
          sink?.changed();
          if (reconnected) journal.read();
        },
      });
    },
    stop() {
      void listen?.close();
      listen = null;
    },
    listenRemote: (queue) => journal.listen(queue),
    unlistenRemote: (queue) => journal.unlisten(queue),
    refreshRemote: () => void journal.refresh(),
    async close() {
      const closing = listen;
      listen = null;
      await Promise.all([closing?.close(), journal.close()]);
    },
  };
}

/** The notifier of one storage instance: a core `NoticeHub` over LISTEN/NOTIFY and the journal. @internal */
export function pgNotifier(ctx: PgContext, clientConfig: pg.ClientConfig): NoticeHub {
  return new NoticeHub({ transport: pgTransport(ctx, clientConfig) });
}
