/**
 * Queue events between processes, journaled only on demand.
 *
 * A storage with a `QueueEvents` (a `remote` subscription) registers in `listeners`; core's
 * `NoticeHub` refreshes its rows every second and sends an event here only while a live listener
 * of another storage wants its queue (asked at most twice a second per queue), so a queue nobody
 * watches from elsewhere costs nothing. Events are written in one statement per turn of the event
 * loop, with a NOTIFY that wakes the listeners at commit; listeners read the journal after each
 * wake-up and every 250 ms (catching up after a dropped connection), by a cursor that no late
 * commit can pass (see events-since.sql). Rows are pruned after a minute. Best effort like every
 * notice: a failure here is dropped, never thrown at a publisher.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { StorageNotice } from '@waitline/core';
import type { PgContext } from './context.js';

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
      this.cursor ??= (await this.ctx.row<{ tx: string; id: number }>('eventsCursor', [])) ?? null;
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
      this.cursor ??= (await this.ctx.row<{ tx: string; id: number }>('eventsCursor', [])) ?? null;
      for (;;) {
        if (this.cursor === null || this.closed) return;
        const { tx, id } = this.cursor;
        const rows = await this.ctx.rows<{ tx: string; id: number; queue: string; body: StorageNotice }>('eventsSince', [
          tx,
          id,
          this.id,
          READ_BATCH,
          Date.now() - 1_000,
        ]);
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
