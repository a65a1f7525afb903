/**
 * Cross-process wake-ups for SQLite: a process cannot hear another's notifier, but it can see that
 * the file changed. `PRAGMA data_version` on a connection changes whenever another connection
 * commits; polling it every `intervalMs` costs a read of one header field. On a change the watcher
 * sends a `changed` notice, so idle workers claim at once, workers look for cancel requests, and
 * `finished()`/`drain()` re-read, instead of waiting for their next poll or heartbeat.
 *
 * Specific to SQLite, so a module of its own beside notify.ts: Postgres and Redis hear other
 * processes through LISTEN/NOTIFY and pub/sub; a file has no such channel.
 * @module
 * @internal
 */
import Database from 'better-sqlite3';

/** Polls a database file for commits by other connections. @internal */
export class ChangeWatcher {
  private db: Database.Database | undefined;
  private timer: NodeJS.Timeout | undefined;
  private version = -1;

  constructor(
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly onChange: () => void,
  ) {}

  /** Starts polling; a file that cannot be opened leaves the watcher off (workers still poll). */
  start(): void {
    if (this.timer) return;
    try {
      this.db = new Database(this.path, { readonly: true, fileMustExist: true });
      this.version = this.read();
    } catch {
      this.stop();
      return;
    }
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref?.();
  }

  private read(): number {
    return Number(this.db?.pragma('data_version', { simple: true }) ?? -1);
  }

  /**
   * Runs `write` (a commit of this process's own journal connection) without reporting it as a
   * change: changes before it are reported first, then the version after it is taken as seen.
   * Without it, the listener-row refresh every second woke every idle subscriber of this process.
   */
  own(write: () => void): void {
    if (this.db === undefined) {
      write();
      return;
    }
    this.check();
    write();
    try {
      this.version = this.read();
    } catch {
      // busy or closing: the next tick reports the change, as before
    }
  }

  private check(): void {
    let now: number;
    try {
      now = this.read();
    } catch {
      return; // busy or closing: the next tick tries again
    }
    if (now === this.version) return;
    this.version = now;
    this.onChange();
  }

  /** Stops polling and closes the watcher's connection. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.db?.close();
    } catch {
      // already closed
    }
    this.db = undefined;
  }
}
