/**
 * Queue events between processes on one SQLite file, written only on demand.
 *
 * A process with a `QueueEvents` (a `remote` subscription) registers itself in `listeners` and
 * refreshes the row every second. A publisher journals an event into `notices` only while some
 * live listener of another process wants its queue (checked at most twice a second per queue), so
 * a queue nobody watches from elsewhere costs nothing. Journaled events are written in one
 * transaction per turn of the event loop, read by listeners when the change watcher sees the file
 * move, and pruned after a minute. Best effort like every notice: a failure here is dropped, never
 * thrown at a publisher; `job.finished()` and workers never depend on it.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { StorageNotice } from '@waitline/core';
import Database from 'better-sqlite3';
import { SQL, type SqlName } from './generated/sql.js';

/** This process, as the journal knows it. */
const PROCESS_ID = randomUUID();
/** How often a listener refreshes its row; three missed refreshes and it counts as gone. */
const REFRESH_MS = 1_000;
const LISTENER_STALE_MS = 5_000;
/** How long a publisher trusts its answer to "does anyone elsewhere listen to this queue". */
const ELSEWHERE_CACHE_MS = 500;
/** Journaled notices older than this are pruned. */
const KEEP_MS = 60_000;
const READ_BATCH = 1_000;

/** The journal of one database file, for this process. @internal */
export class RemoteEvents {
  private db: Database.Database | undefined;
  private readonly statements = new Map<SqlName, Database.Statement>();
  private readonly listening = new Map<string, number>();
  private readonly elsewhere = new Map<string, { until: number; yes: boolean }>();
  private buffer: StorageNotice[] = [];
  private flushScheduled = false;
  private lastId = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private lastPrune = 0;

  constructor(private readonly path: string) {}

  private stmt(name: SqlName): Database.Statement {
    this.db ??= new Database(this.path, { timeout: 5_000, fileMustExist: true });
    let statement = this.statements.get(name);
    if (!statement) {
      statement = this.db.prepare(SQL[name]);
      this.statements.set(name, statement);
    }
    return statement;
  }

  /** True while this process listens to any queue across processes. */
  get active(): boolean {
    return this.listening.size > 0;
  }

  /** Starts listening to `queue` from other processes (counted: one call per subscription). */
  listen(queue: string): void {
    const count = this.listening.get(queue) ?? 0;
    this.listening.set(queue, count + 1);
    if (count > 0) return;
    this.safely(() => {
      if (this.listening.size === 1) this.lastId = (this.stmt('noticesLastId').get() as { id: number }).id;
      this.stmt('listenerUpsert').run({ processId: PROCESS_ID, queue, now: Date.now() });
    });
    if (!this.refreshTimer) {
      this.refreshTimer = setInterval(() => this.refresh(), REFRESH_MS);
      this.refreshTimer.unref?.();
    }
  }

  /** Stops one subscription's listening to `queue`. */
  unlisten(queue: string): void {
    const count = (this.listening.get(queue) ?? 0) - 1;
    if (count > 0) {
      this.listening.set(queue, count);
      return;
    }
    this.listening.delete(queue);
    this.safely(() => this.stmt('listenerDelete').run({ processId: PROCESS_ID, queue }));
    if (this.listening.size === 0) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  private refresh(): void {
    this.safely(() => {
      const now = Date.now();
      for (const queue of this.listening.keys()) this.stmt('listenerUpsert').run({ processId: PROCESS_ID, queue, now });
    });
  }

  /** Journals an event notice when another process listens to its queue. */
  publish(notice: StorageNotice): void {
    if (notice.kind !== 'event' || !this.listenedElsewhere(notice.queue)) return;
    this.buffer.push(notice);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private listenedElsewhere(queue: string): boolean {
    const now = Date.now();
    const cached = this.elsewhere.get(queue);
    if (cached && cached.until > now) return cached.yes;
    let yes = false;
    this.safely(() => {
      yes = this.stmt('listenerElsewhere').get({ processId: PROCESS_ID, queue, since: now - LISTENER_STALE_MS }) !== undefined;
    });
    this.elsewhere.set(queue, { until: now + ELSEWHERE_CACHE_MS, yes });
    return yes;
  }

  private flush(): void {
    this.flushScheduled = false;
    const notices = this.buffer;
    this.buffer = [];
    this.safely(() => {
      const now = Date.now();
      const insert = this.stmt('noticeInsert');
      this.db?.transaction(() => {
        for (const n of notices) insert.run({ processId: PROCESS_ID, queue: n.queue, body: JSON.stringify(n), now });
        if (now - this.lastPrune > KEEP_MS) {
          this.lastPrune = now;
          this.stmt('noticesPrune').run({ before: now - KEEP_MS });
          this.stmt('listenersPrune').run({ staleBefore: now - KEEP_MS });
        }
      })();
    });
  }

  /** The events other processes journaled since the last read, for the queues listened to. */
  readNew(): StorageNotice[] {
    if (!this.active) return [];
    const out: StorageNotice[] = [];
    this.safely(() => {
      let read = READ_BATCH;
      while (read === READ_BATCH) {
        const rows = this.stmt('noticesSince').all({ afterId: this.lastId, processId: PROCESS_ID, limit: READ_BATCH }) as Array<{
          id: number;
          queue: string;
          body: string;
        }>;
        read = rows.length;
        for (const row of rows) {
          this.lastId = row.id;
          if (this.listening.has(row.queue)) out.push(JSON.parse(row.body) as StorageNotice);
        }
      }
    });
    return out;
  }

  /** Stops everything and closes the journal's connection. */
  close(): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    this.safely(() => {
      for (const queue of this.listening.keys()) this.stmt('listenerDelete').run({ processId: PROCESS_ID, queue });
    });
    this.listening.clear();
    this.statements.clear();
    this.safely(() => this.db?.close());
    this.db = undefined;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Best effort: a busy or closed database drops this notice; nothing depends on it.
    }
  }
}
