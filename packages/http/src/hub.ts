/**
 * One storage subscription per queue, however many browsers listen: the hub subscribes to the
 * queue's notices while anyone watches, and fans each change out to every job and queue stream,
 * re-reading what changed at a bounded rate.
 * @module
 */
import { EVENT_NAMES, type JobId, type JobStatus, type Queue, type QueueStats, type StorageNotice, type WaitlineEventName } from '@waitline/core';

/** A job stream's listener: a status after each change, or the error that ended the reads. */
export type JobWatcher = (status: JobStatus | null, error?: unknown) => void;

/** A queue stream's listener. */
export interface QueueWatcher {
  event(name: WaitlineEventName, data: unknown): void;
  stats(stats: QueueStats): void;
  error(error: unknown): void;
}

/** How often the hub re-reads. */
export interface HubTiming {
  /** Least time between two re-reads of the watched jobs after notices (coalesced). */
  jobRefreshMs: number;
  /** Least time between two stats reads. */
  statsRefreshMs: number;
  /** Re-read this often with no notice too (ETAs move with time; notices are best-effort). */
  idleRefreshMs: number;
  /** Most status reads in flight at once. */
  readConcurrency: number;
}

/** Throttles a job: runs it at most once per `gapMs`, once more if asked while it ran. */
class Throttle {
  private running = false;
  private again = false;
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly gapMs: number,
    private readonly job: () => Promise<void>,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.gapMs - Date.now());
    this.timer = setTimeout(() => void this.run(), wait);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    this.last = Date.now();
    try {
      await this.job();
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
  }
}

/** The watchers of one queue and its one subscription. */
export class QueueHub {
  private readonly jobs = new Map<JobId, Set<JobWatcher>>();
  private readonly queueWatchers = new Set<QueueWatcher>();
  private unsubscribe: (() => void) | undefined;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private readonly jobRefresh: Throttle;
  private readonly statsRefresh: Throttle;

  constructor(
    readonly queue: Queue,
    private readonly timing: HubTiming,
    private readonly onStatus: (status: JobStatus) => void = () => undefined,
  ) {
    this.jobRefresh = new Throttle(timing.jobRefreshMs, () => this.refreshJobs());
    this.statsRefresh = new Throttle(timing.statsRefreshMs, () => this.refreshStats());
  }

  /** True while this hub holds a storage subscription. */
  get subscribed(): boolean {
    return this.unsubscribe !== undefined || this.idleTimer !== undefined;
  }

  /** Watches one job: `watcher` gets its status now and after each change. Returns the unwatch function. */
  watchJob(id: JobId, watcher: JobWatcher): () => void {
    let set = this.jobs.get(id);
    if (!set) this.jobs.set(id, (set = new Set()));
    set.add(watcher);
    this.retain();
    void this.readJob(id, new Set([watcher]));
    return () => {
      const s = this.jobs.get(id);
      if (s?.delete(watcher) && s.size === 0) this.jobs.delete(id);
      this.releaseIfIdle();
    };
  }

  /** Watches the queue's events and stats. Returns the unwatch function. */
  watchQueue(watcher: QueueWatcher): () => void {
    this.queueWatchers.add(watcher);
    this.retain();
    void this.queue.getStats().then(
      (s) => this.queueWatchers.has(watcher) && watcher.stats(s),
      (e) => this.queueWatchers.has(watcher) && watcher.error(e),
    );
    return () => {
      this.queueWatchers.delete(watcher);
      this.releaseIfIdle();
    };
  }

  private retain(): void {
    if (this.subscribed) return;
    const notifier = this.queue.storage.notifier;
    if (notifier) this.unsubscribe = notifier.subscribe(this.queue.name, (n) => this.onNotice(n), { remote: true });
    this.idleTimer = setInterval(() => this.onChange(), this.timing.idleRefreshMs);
    this.idleTimer.unref?.();
  }

  private releaseIfIdle(): void {
    if (this.jobs.size > 0 || this.queueWatchers.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.jobRefresh.stop();
    this.statsRefresh.stop();
  }

  private onNotice(notice: StorageNotice): void {
    if (notice.kind === 'event' && notice.event && EVENT_NAMES.includes(notice.event as WaitlineEventName)) {
      for (const w of this.queueWatchers) w.event(notice.event as WaitlineEventName, notice.data);
    }
    this.onChange();
  }

  private onChange(): void {
    if (this.jobs.size > 0) this.jobRefresh.request();
    if (this.queueWatchers.size > 0) this.statsRefresh.request();
  }

  private async refreshJobs(): Promise<void> {
    const ids = [...this.jobs.keys()];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const watchers = this.jobs.get(id);
        if (watchers) await this.readJob(id, watchers);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.timing.readConcurrency, ids.length) }, lane));
  }

  private async readJob(id: JobId, watchers: Set<JobWatcher>): Promise<void> {
    try {
      const status = await this.queue.getStatus(id);
      this.onStatus(status);
      for (const w of [...watchers]) w(status);
    } catch (error) {
      for (const w of [...watchers]) w(null, error);
    }
  }

  private async refreshStats(): Promise<void> {
    if (this.queueWatchers.size === 0) return;
    try {
      const stats = await this.queue.getStats();
      for (const w of [...this.queueWatchers]) w.stats(stats);
    } catch (error) {
      for (const w of [...this.queueWatchers]) w.error(error);
    }
  }

  /** Drops every watcher and the subscription. */
  close(): void {
    this.jobs.clear();
    this.queueWatchers.clear();
    this.releaseIfIdle();
  }
}
