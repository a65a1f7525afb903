/**
 * Notices and queue events across processes on Postgres: the notice transport under core's
 * `NoticeHub`, the LISTEN connection, and the event journal.
 *
 * - `added` and `cancel` notices are sent by the SQL that makes them true (enqueue, retry,
 *   promote, resume, cancel, a settle that frees a slot of a limited queue), with `pg_notify`
 *   in the same transaction: they reach every process only once the write commits, so a job added
 *   inside a caller's transaction wakes no one before it is visible. So are `schedule` notices
 *   (upsert-schedule.sql, remove-schedule.sql). They are therefore `carriedByWrites`: the hub's
 *   `publish` drops them.
 * - `event` notices go to this storage's own subscribers at once (the hub), and through the
 *   {@link EventJournal} to other storages (other processes) that listen remotely.
 * - The LISTEN connection ({@link ListenConnection}: one dedicated connection on the schema's
 *   channel, reconnecting when it drops) opens with the first subscriber and closes with the
 *   last. Once it listens, and again after it drops and comes back, every subscriber gets a
 *   `changed` notice: whatever it waits for, it reads again, so nothing sent before or meanwhile
 *   is lost.
 *
 * The journal carries queue events between processes, written only on demand. A storage with a
 * `QueueEvents` (a `remote` subscription) registers in `listeners`; core's `NoticeHub` refreshes
 * its rows every second and sends an event here only while a live listener of another storage
 * wants its queue (asked at most twice a second per queue), so a queue nobody watches from
 * elsewhere costs nothing. Events are written in one statement per turn of the event loop, with a
 * NOTIFY that wakes the listeners at commit; listeners read the journal after each wake-up and
 * every 250 ms (catching up after a dropped connection), by a cursor that no late commit can pass
 * (see events-since.sql). Rows are pruned after a minute. Best effort like every notice: a failure
 * here is dropped, never thrown at a publisher.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { type NoticeSink, type NoticeTransport, NoticeHub, type StorageNotice } from '@waitline/core';
import pg from 'pg';
import { channelOf, type PgContext } from './context.js';

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

/** Reconnect delays grow from the first to the last, then stay there. */
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/** What a {@link ListenConnection} reports. @internal */
export interface ListenHandlers {
  /** One NOTIFY payload on the channel. */
  onPayload(payload: string): void;
  /**
   * The connection is (again) listening. `reconnected` is true after a drop: anything sent
   * meanwhile was missed, so the caller catches up by reading what it waits for.
   */
  onListening(reconnected: boolean): void;
}

/**
 * Keeps one `pg.Client` LISTENing on `channel` until {@link close}: when the connection fails or
 * ends, it waits (100 ms growing to 5 s) and connects again, as long as it is not closed.
 * @internal
 */
export class ListenConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private attempts = 0;
  private everListened = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload !== undefined) this.handlers.onPayload(m.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.closed || this.client !== client) return;
    const reconnected = this.everListened;
    this.everListened = true;
    this.attempts = 0;
    this.handlers.onListening(reconnected);
  }

  /** Drops `client` (once) and schedules the next attempt. */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.closed) return;
    const delay = RETRY_MS[Math.min(this.attempts, RETRY_MS.length - 1)] as number;
    this.attempts += 1;
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

  /** Stops listening and ends the connection; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

const LISTENER_STALE_MS = 5_000;
const KEEP_MS = 60_000;
const POLL_MS = 250;
const READ_BATCH = 1_000;

/** The journal as one storage instance sees it. @internal */
export class EventJournal {
  /** This storage instance, as the journal knows it. */
  readonly id = randomUUID();
  private readonly listening = new Set<string>();
  private cursor: { tx: string; id: number } | null = null;
  private reading = false;
  private readAgain = false;
  private poll: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private closed = false;

  constructor(
    private readonly ctx: PgContext,
    private readonly deliver: (notice: StorageNotice) => void,
  ) {}

  /** Starts wanting `queue`'s events from other storages (the hub calls it once per queue). */
  listen(queue: string): void {
    this.listening.add(queue);
    if (this.poll) {
      void this.refresh();
      return;
    }
    this.poll = setInterval(() => this.read(), POLL_MS);
    this.poll.unref?.();
    void this.place()
      .then(() => this.refresh())
      .then(() => this.read());
  }

  /**
   * Takes the reading position before the listener row is written: a publisher journals for this
   * storage only once it sees that row, so everything it writes then lies after the position.
   * (Taken after the row, it could pass events written in between.)
   */
  private async place(): Promise<void> {
    try {
      this.cursor ??= (await this.ctx.row('eventsCursor', [])) ?? null;
    } catch {
      // Best effort: the first read takes the position instead.
    }
  }

  /** Stops wanting `queue`'s events; the last one stops the polling. */
  unlisten(queue: string): void {
    this.listening.delete(queue);
    if (this.listening.size === 0) this.stop();
    void this.refresh();
  }

  private stop(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  /** Writes this storage's listener rows (and drops the ones it no longer wants). */
  async refresh(): Promise<void> {
    if (this.closed) return;
    const queues = [...this.listening.keys()];
    const now = Date.now();
    try {
      if (queues.length > 0) await this.ctx.rows('listenerUpsert', [this.id, queues, now]);
      await this.ctx.rows('listenerDelete', [this.id, queues, now - KEEP_MS]);
      if (queues.length > 0 && now - this.lastPrune > KEEP_MS / 4) {
        this.lastPrune = now;
        await this.ctx.rows('eventsPrune', [now - KEEP_MS]);
      }
    } catch {
      // Best effort: the next refresh tries again.
    }
  }

  /** Reads the journal after the cursor and delivers what it finds; re-runs when asked meanwhile. */
  read(): void {
    if (this.listening.size === 0 || this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readAll().finally(() => {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.read();
      }
    });
  }

  private async readAll(): Promise<void> {
    try {
      this.cursor ??= (await this.ctx.row('eventsCursor', [])) ?? null;
      for (;;) {
        if (this.cursor === null || this.closed) return;
        const { tx, id } = this.cursor;
        const rows = await this.ctx.rows('eventsSince', [tx, id, this.id, READ_BATCH, Date.now() - 1_000]);
        for (const row of rows) {
          this.cursor = { tx: row.tx, id: row.id };
          if (this.listening.has(row.queue) || this.listening.has('*')) this.deliver(row.body);
        }
        if (rows.length < READ_BATCH) return;
      }
    } catch {
      // Best effort: the next poll reads again from the same cursor.
    }
  }

  /** Journals one batch of events in one statement (the hub sends only those some other storage wants); never throws. */
  async write(batch: StorageNotice[]): Promise<void> {
    if (this.closed) return;
    try {
      const bodies = batch.map((n) => JSON.stringify(n));
      await this.ctx.rows('eventsInsert', [this.id, batch.map((n) => n.queue), bodies, Date.now()]);
    } catch {
      // Best effort: events are for watching; workers and finished() never depend on them.
    }
  }

  /** Whether a live listener of another storage wants `queue`'s events. */
  async wantedElsewhere(queue: string): Promise<boolean> {
    return (await this.ctx.row('listenerElsewhere', [queue, Date.now() - LISTENER_STALE_MS, this.id])) !== undefined;
  }

  /** Stops timers and removes this storage's listener rows (best effort). */
  async close(): Promise<void> {
    this.stop();
    this.listening.clear();
    await this.refresh();
    this.closed = true;
  }
}
