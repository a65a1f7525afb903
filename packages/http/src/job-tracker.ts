/**
 * Keeps the statuses of the watched jobs of one queue current at a bounded cost. A full status
 * (position and ETA) costs a storage read of the ETA's inputs; a position alone is an index count.
 * So: a job an event names is read in full at once; a sweep after any change checks the position
 * of each waiting job and sends it when it moved (the ETA counting down from its last estimate),
 * and re-estimates at most `fullReadsPerSweep` jobs, those estimated longest ago. Sweeps are
 * paced by their own duration, so a thousand watchers cannot saturate the process.
 * @module
 */
import { type JobId, type JobStatus, Paced, type Queue } from '@waitline/core';

/** A job stream's listener: a status after each change, or the error that ended the reads. */
export type JobWatcher = (status: JobStatus | null, error?: unknown) => void;

/** The tracker's pacing. */
export interface TrackerTiming {
  /** Least time between two sweeps; a sweep also waits twice as long as the last one took. */
  jobRefreshMs: number;
  /** A waiting job's ETA is re-estimated when older than this (budget permitting). */
  etaRefreshMs: number;
  /** Most full reads in one sweep. */
  fullReadsPerSweep: number;
  /** Most reads in flight at once. */
  readConcurrency: number;
}

interface Watched {
  watchers: Set<JobWatcher>;
  /** The last full read, and when it was made. */
  full: JobStatus | null;
  fullAt: number;
  /** The last status delivered (a full read, or it with a newer position). */
  last: JobStatus | null;
  urgent: boolean;
  /** Full reads started, and the number of the one whose status is `full` (0: none yet). */
  started: number;
  applied: number;
}

/** Runs `task` over `items` with at most `lanes` at once. */
async function inLanes<T>(items: readonly T[], lanes: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/** A full status with a newer position, its ETA counted down by the time since it was estimated. */
function moved(full: JobStatus, position: number, fullAt: number, now: number): JobStatus {
  const elapsed = now - fullAt;
  const down = (v: number | null) => (v === null ? null : Math.max(0, v - elapsed));
  const eta = full.eta && {
    ...full.eta,
    startsInMs: down(full.eta.startsInMs),
    finishesInMs: down(full.eta.finishesInMs),
    low: down(full.eta.low),
    high: down(full.eta.high),
  };
  return { ...full, position, eta };
}

/** The watched jobs of one queue. */
export class JobTracker {
  private readonly jobs = new Map<JobId, Watched>();
  private readonly sweep: Paced;
  private readonly urgentReads: Paced;

  constructor(
    private readonly queue: Queue,
    private readonly timing: TrackerTiming,
    private readonly onFullRead: (status: JobStatus) => void,
  ) {
    this.sweep = new Paced(
      (took) => Math.max(timing.jobRefreshMs, 2 * took),
      () => this.runSweep(),
    );
    this.urgentReads = new Paced(
      () => 50,
      () => this.readUrgent(),
    );
  }

  /** How many jobs are watched. */
  get size(): number {
    return this.jobs.size;
  }

  /**
   * Adds a watcher; it gets a full status at once: `fresh` when the caller just read one (no
   * second read), else one read now. Returns the unwatch function.
   */
  watch(id: JobId, watcher: JobWatcher, fresh?: JobStatus): () => void {
    let entry = this.jobs.get(id);
    if (!entry) this.jobs.set(id, (entry = { watchers: new Set(), full: null, fullAt: 0, last: null, urgent: false, started: 0, applied: 0 }));
    entry.watchers.add(watcher);
    if (fresh && fresh.id === id) {
      if (entry.full === null) Object.assign(entry, { full: fresh, last: fresh, fullAt: Date.now() });
      queueMicrotask(() => entry.watchers.has(watcher) && watcher(fresh));
    } else void this.readFull(id, entry, new Set([watcher]));
    return () => {
      const e = this.jobs.get(id);
      if (e?.watchers.delete(watcher) && e.watchers.size === 0) this.jobs.delete(id);
    };
  }

  /** Something changed in the queue; `jobId` when an event names one job. */
  changed(jobId?: JobId): void {
    const entry = jobId === undefined ? undefined : this.jobs.get(jobId);
    if (entry) {
      entry.urgent = true;
      this.urgentReads.request();
    }
    if (this.jobs.size > 0) this.sweep.request();
  }

  private async readUrgent(): Promise<void> {
    const urgent = [...this.jobs].filter(([, e]) => e.urgent);
    await inLanes(urgent, this.timing.readConcurrency, async ([id, e]) => {
      e.urgent = false;
      await this.readFull(id, e, e.watchers);
    });
  }

  private async runSweep(): Promise<void> {
    const now = Date.now();
    const entries = [...this.jobs].filter(([, e]) => !e.urgent).sort((a, b) => a[1].fullAt - b[1].fullAt);
    let fullBudget = this.timing.fullReadsPerSweep;
    await inLanes(entries, this.timing.readConcurrency, async ([id, e]) => {
      const stale = now - e.fullAt >= this.timing.etaRefreshMs;
      if (e.full === null || e.last === null || (stale && fullBudget > 0)) {
        fullBudget--;
        return this.readFull(id, e, e.watchers);
      }
      const { full, last } = e;
      if (full.state !== 'queued') return;
      if (full.scheduled) {
        if (full.runAt <= Date.now()) await this.readFull(id, e, e.watchers);
        return;
      }
      await this.checkPosition(id, e, full, last.position);
    });
  }

  private async checkPosition(id: JobId, e: Watched, full: JobStatus, shown: number | null): Promise<void> {
    let position: number | null;
    try {
      position = await this.queue.getPosition(id);
    } catch (error) {
      for (const w of [...e.watchers]) w(null, error);
      return;
    }
    // A full read applied meanwhile is newer than this position (a pooled storage may answer out of order).
    if (e.full !== full) return;
    if (position === null) return this.readFull(id, e, e.watchers);
    if (position === shown) return;
    const status = moved(full, position, e.fullAt, Date.now());
    e.last = status;
    for (const w of [...e.watchers]) w(status);
  }

  /**
   * Reads the job's full status and delivers it. Reads of one job may overlap (an event's and the
   * sweep's) and a pooled storage may answer them out of order: a read that started before the
   * one already applied is stale, and its watchers get the newer status instead.
   */
  private async readFull(id: JobId, e: Watched, watchers: Set<JobWatcher>): Promise<void> {
    const seq = ++e.started;
    try {
      const status = await this.queue.getStatus(id);
      if (seq < e.applied && e.last !== null) {
        for (const w of [...watchers]) w(e.last);
        return;
      }
      e.applied = seq;
      e.full = status;
      e.last = status;
      e.fullAt = Date.now();
      this.onFullRead(status);
      for (const w of [...watchers]) w(status);
    } catch (error) {
      for (const w of [...watchers]) w(null, error);
    }
  }

  /** Drops every watched job and pending read. */
  close(): void {
    this.jobs.clear();
    this.sweep.stop();
    this.urgentReads.stop();
  }
}
