/**
 * Queue events between processes, journaled only on demand.
 *
 * A storage with a `QueueEvents` (a `remote` subscription) registers in `listeners` and refreshes
 * its rows every second. A publisher journals an event into `events` only while a live listener
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

const REFRESH_MS = 1_000;
const LISTENER_STALE_MS = 5_000;
const ELSEWHERE_CACHE_MS = 500;
const KEEP_MS = 60_000;
const POLL_MS = 250;
const READ_BATCH = 1_000;

/** The journal as one storage instance sees it. @internal */
export class EventJournal {
  /** This storage instance, as the journal knows it. */
  readonly id = randomUUID();
  private readonly listening = new Map<string, number>();
  private readonly elsewhere = new Map<string, { until: number; yes: boolean }>();
  private buffer: StorageNotice[] = [];
  private flushScheduled = false;
  private cursor: { tx: string; id: number } | null = null;
  private reading = false;
  private readAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private lastPrune = 0;
  private closed = false;

  constructor(
    private readonly ctx: PgContext,
    private readonly deliver: (notice: StorageNotice) => void,
  ) {}

  /** Starts wanting `queue`'s events from other storages (counted: one call per subscription). */
  listen(queue: string): void {
    this.listening.set(queue, (this.listening.get(queue) ?? 0) + 1);
    if (this.timers.length === 0) this.start();
    else void this.refresh();
  }

  /** Ends one {@link listen}; the last one stops the timers. */
  unlisten(queue: string): void {
    const n = (this.listening.get(queue) ?? 0) - 1;
    if (n > 0) this.listening.set(queue, n);
    else this.listening.delete(queue);
    if (this.listening.size === 0) this.stop();
    void this.refresh();
  }

  private start(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref?.();
      this.timers.push(t);
    };
    every(REFRESH_MS, () => void this.refresh());
    every(POLL_MS, () => this.read());
    void this.refresh().then(() => this.read());
  }

  private stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Writes this storage's listener rows (and drops the ones it no longer wants). */
  private async refresh(): Promise<void> {
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

  /** Journals `notice` when some other storage listens to its queue; never throws. */
  publish(notice: StorageNotice): void {
    if (this.closed) return;
    this.buffer.push(notice);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.buffer;
    this.buffer = [];
    try {
      const wanted: StorageNotice[] = [];
      for (const notice of batch) if (await this.wantedElsewhere(notice.queue)) wanted.push(notice);
      if (wanted.length === 0) return;
      const bodies = wanted.map((n) => JSON.stringify(n));
      await this.ctx.rows('eventsInsert', [this.id, wanted.map((n) => n.queue), bodies, Date.now()]);
    } catch {
      // Best effort: events are for watching; workers and finished() never depend on them.
    }
  }

  private async wantedElsewhere(queue: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.elsewhere.get(queue);
    if (cached && cached.until > now) return cached.yes;
    const row = await this.ctx.row('listenerElsewhere', [queue, now - LISTENER_STALE_MS, this.id]);
    const yes = row !== undefined;
    this.elsewhere.set(queue, { until: now + ELSEWHERE_CACHE_MS, yes });
    return yes;
  }

  /** Stops timers and removes this storage's listener rows (best effort). */
  async close(): Promise<void> {
    this.stop();
    this.listening.clear();
    await this.refresh();
    this.closed = true;
  }
}
