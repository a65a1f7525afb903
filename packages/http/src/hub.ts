/**
 * One storage subscription per queue, however many browsers listen: the hub subscribes to the
 * queue's notices while anyone watches, forwards events to the queue streams, refreshes their
 * stats at a bounded rate, and tells the job tracker what changed.
 * @module
 */
import { EVENT_NAMES, Paced, type JobId, type JobStatus, type Queue, type QueueStats, type StorageNotice, type WaitlineEventName } from '@waitline/core';
import { JobTracker, type JobWatcher, type TrackerTiming } from './job-tracker.js';

export type { JobWatcher } from './job-tracker.js';

/** A queue stream's listener. */
export interface QueueWatcher {
  event(name: WaitlineEventName, data: unknown): void;
  stats(stats: QueueStats): void;
  error(error: unknown): void;
}

/** How often the hub re-reads. */
export interface HubTiming extends TrackerTiming {
  /** Least time between two stats reads. */
  statsRefreshMs: number;
  /** Re-check this often with no notice too (ETAs move with time; notices are best-effort). */
  idleRefreshMs: number;
}

function jobIdOf(notice: StorageNotice): JobId | undefined {
  if (notice.jobId !== undefined) return notice.jobId;
  const data = notice.data as { jobId?: unknown } | undefined;
  return typeof data?.jobId === 'string' ? data.jobId : undefined;
}

/** The watchers of one queue and its one subscription. */
export class QueueHub {
  private readonly tracker: JobTracker;
  private readonly queueWatchers = new Set<QueueWatcher>();
  private unsubscribe: (() => void) | undefined;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private readonly statsRefresh: Paced;

  constructor(
    readonly queue: Queue,
    private readonly timing: HubTiming,
    onStatus: (status: JobStatus) => void = () => undefined,
  ) {
    this.tracker = new JobTracker(queue, timing, onStatus);
    this.statsRefresh = new Paced(
      (took) => Math.max(timing.statsRefreshMs, 2 * took),
      () => this.refreshStats(),
    );
  }

  /** True while this hub holds a storage subscription. */
  get subscribed(): boolean {
    return this.idleTimer !== undefined;
  }

  /**
   * Watches one job: `watcher` gets its status now (`fresh`, when the caller just read it) and
   * after each change. Returns the unwatch function.
   */
  watchJob(id: JobId, watcher: JobWatcher, fresh?: JobStatus): () => void {
    this.retain();
    const unwatch = this.tracker.watch(id, watcher, fresh);
    return () => {
      unwatch();
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
    if (this.tracker.size > 0 || this.queueWatchers.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.tracker.close();
    this.statsRefresh.stop();
  }

  private onNotice(notice: StorageNotice): void {
    if (notice.kind === 'event' && notice.event && EVENT_NAMES.includes(notice.event as WaitlineEventName)) {
      for (const w of this.queueWatchers) w.event(notice.event as WaitlineEventName, notice.data);
    }
    this.onChange(jobIdOf(notice));
  }

  private onChange(jobId?: JobId): void {
    this.tracker.changed(jobId);
    if (this.queueWatchers.size > 0) this.statsRefresh.request();
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
    this.queueWatchers.clear();
    this.tracker.close();
    this.releaseIfIdle();
  }
}
