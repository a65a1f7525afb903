/**
 * Notices and queue events across processes on SQLite.
 *
 * The notice transport: every `SqliteStorage` opened on the same file in one process shares one
 * `NoticeHub`, so a worker wakes the moment a queue in the same process adds a job. Other
 * processes do not hear its notices; instead, while anyone subscribes, a `ChangeWatcher` sees
 * their commits and sends `changed` notices to every subscriber, then the queue events other
 * processes journaled for this one ({@link RemoteEvents}, below).
 *
 * Queue events between processes on one file are written only on demand. A process with a
 * `QueueEvents` (a `remote` subscription) registers itself in `listeners`; core's `NoticeHub`
 * refreshes the row every second and sends an event here only while some live listener of
 * another process wants its queue (asked at most twice a second per queue), so a queue nobody
 * watches from elsewhere costs nothing. Journaled events are written in one transaction per turn
 * of the event loop, read by listeners when the change watcher sees the file move, and pruned
 * after a minute. Best effort like every notice: a failure here is dropped, never thrown at a
 * publisher; `job.finished()` and workers never depend on it.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { type NoticeSink, type NoticeTransport, type Notifier, NoticeHub, type StorageNotice } from '@waitline/core';
import Database from 'better-sqlite3';
import { ChangeWatcher } from './change-watcher.js';
import { WAL_SIZE_LIMIT_BYTES } from './connection.js';
import { SqliteContext } from './context.js';

/** How often a subscribed process checks the file for other processes' commits. */
export const CHANGE_POLL_MS = 50;

interface SharedChannel {
  hub: NoticeHub;
  users: number;
}

/** One hub per resolved database path, alive while a storage on that path is open. */
const channels = new Map<string, SharedChannel>();

/** The change watcher and the event journal of one file, as a hub's transport. */
function fileTransport(path: string): NoticeTransport {
  const remote = new RemoteEvents(path);
  let sink: NoticeSink | undefined;
  const watcher = new ChangeWatcher(path, CHANGE_POLL_MS, () => {
    sink?.changed();
    for (const notice of remote.readNew()) sink?.deliver(notice);
  });
  return {
    sendBatch: (notices) => remote.write(notices),
    wantedElsewhere: (queue) => remote.listenedElsewhere(queue),
    start(to) {
      sink = to;
      watcher.start();
    },
    stop: () => watcher.stop(),
    listenRemote: (queue) => watcher.own(() => remote.listen(queue)),
    unlistenRemote: (queue) => watcher.own(() => remote.unlisten(queue)),
    refreshRemote: () => watcher.own(() => remote.refresh()),
    close() {
      watcher.stop();
      remote.close();
    },
  };
}

/** A notifier and the function that gives it back when its storage closes. @internal */
export interface NotifierLease {
  notifier: Notifier;
  release(): void;
}

/**
 * Returns the notifier shared by every storage open on `key` (a resolved file path) in this
 * process, or a private one when `key` is null (`:memory:`: each connection is its own database).
 * @internal
 */
export function acquireNotifier(key: string | null): NotifierLease {
  if (key === null) return { notifier: new NoticeHub(), release: () => {} };
  let channel = channels.get(key);
  if (channel === undefined) {
    channel = { hub: new NoticeHub({ transport: fileTransport(key) }), users: 0 };
    channels.set(key, channel);
  }
  channel.users += 1;
  const shared = channel;
  let released = false;
  return {
    notifier: shared.hub,
    release() {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      void shared.hub.close();
      if (channels.get(key) === shared) channels.delete(key);
    },
  };
}

/** This process, as the journal knows it. */
const PROCESS_ID = randomUUID();
/** A listener whose row is older than this counts as gone. */
const LISTENER_STALE_MS = 5_000;
/** Journaled notices older than this are pruned. */
const KEEP_MS = 60_000;
const READ_BATCH = 1_000;

/** The journal of one database file, for this process. @internal */
export class RemoteEvents {
  /** The journal's own connection and its statements, opened on first use. */
  private context: SqliteContext | undefined;
  private readonly listening = new Set<string>();
  private lastId = 0;
  private lastPrune = 0;

  constructor(private readonly path: string) {}

  /**
   * The journal's connection and statements, opened on first use; like the storage's own, it cuts
   * the WAL back to `WAL_SIZE_LIMIT_BYTES` when a commit of its own starts the WAL over.
   */
  private get ctx(): SqliteContext {
    if (this.context === undefined) {
      const db = new Database(this.path, { timeout: 5_000, fileMustExist: true });
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.context = new SqliteContext(db, this.path);
    }
    return this.context;
  }

  /** Starts listening to `queue` from other processes (the hub calls it once per queue). */
  listen(queue: string): void {
    const first = this.listening.size === 0;
    this.listening.add(queue);
    this.safely(() => {
      if (first) this.lastId = this.ctx.one('noticesLastId').id;
      this.ctx.stmt('listenerUpsert').run({ processId: PROCESS_ID, queue, now: Date.now() });
    });
  }

  /** Stops listening to `queue`. */
  unlisten(queue: string): void {
    this.listening.delete(queue);
    this.safely(() => this.ctx.stmt('listenerDelete').run({ processId: PROCESS_ID, queue }));
  }

  /** Refreshes this process's rows for the queues it listens to. */
  refresh(): void {
    this.safely(() => {
      const now = Date.now();
      for (const queue of this.listening) this.ctx.stmt('listenerUpsert').run({ processId: PROCESS_ID, queue, now });
    });
  }

  /** Whether a live listener of another process wants `queue`'s events. */
  listenedElsewhere(queue: string): boolean {
    let yes = false;
    this.safely(() => {
      const since = Date.now() - LISTENER_STALE_MS;
      yes = this.ctx.stmt('listenerElsewhere').get({ processId: PROCESS_ID, queue, since }) !== undefined;
    });
    return yes;
  }

  /** Journals the event notices of one batch in one transaction (the hub sends only those some other process wants). */
  write(batch: StorageNotice[]): void {
    const notices = batch.filter((n) => n.kind === 'event');
    if (notices.length === 0) return;
    this.safely(() => {
      const now = Date.now();
      const insert = this.ctx.stmt('noticeInsert');
      this.context?.db.transaction(() => {
        for (const n of notices) insert.run({ processId: PROCESS_ID, queue: n.queue, body: JSON.stringify(n), now });
        if (now - this.lastPrune > KEEP_MS) {
          this.lastPrune = now;
          this.ctx.stmt('noticesPrune').run({ before: now - KEEP_MS });
          this.ctx.stmt('listenersPrune').run({ staleBefore: now - KEEP_MS });
        }
      })();
    });
  }

  /** The events other processes journaled since the last read, for the queues listened to. */
  readNew(): StorageNotice[] {
    if (this.listening.size === 0) return [];
    const out: StorageNotice[] = [];
    this.safely(() => {
      let read = READ_BATCH;
      while (read === READ_BATCH) {
        const rows = this.ctx.stmt('noticesSince').all({ afterId: this.lastId, processId: PROCESS_ID, limit: READ_BATCH });
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
    this.safely(() => {
      for (const queue of this.listening) this.ctx.stmt('listenerDelete').run({ processId: PROCESS_ID, queue });
    });
    this.listening.clear();
    this.safely(() => this.context?.db.close());
    this.context = undefined;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Best effort: a busy or closed database drops this notice; nothing depends on it.
    }
  }
}
