/**
 * The loop behind `watch`: it subscribes to the storage's notices (events from every process when
 * the storage carries them) and redraws after each burst of them, at most once per `minRedrawMs`.
 * A slow safety refresh (`refreshMs`) catches what sends no notice (a scheduled job coming due,
 * ETAs moving with time); only a storage without a notifier relies on it for changes.
 * @module
 */
import { Paced, type Queue, type QueueStats, type Storage, waitingInClaimOrder } from '@waitline/core';
import { shownJob } from '../output.js';
import type { QueueFrame } from './frame.js';

/** One read of what `watch` shows: one queue in detail, or every queue's stats. */
export type WatchFrame = { queue: QueueFrame } | { overview: QueueStats[] };

/** How the watcher paces its reads. */
export interface WatchTiming {
  /**
   * Least time between two redraws, however many notices arrive; it grows to twice the time the
   * last frame took to read, so a slow storage is never read back to back.
   */
  minRedrawMs: number;
  /** Redraw this often even with no notice. */
  refreshMs: number;
  /** One extra redraw this long after the start (default 1 s), for changes before the subscription was live. */
  settleMs?: number;
}

/** What the watcher shows and where it draws. */
export interface WatchTarget {
  storage: Storage;
  /** The queue to show in detail; every queue in one table when absent. */
  queue?: Queue;
  /** How many running and waiting jobs to list. */
  rows: number;
  /** Called with each frame read. */
  draw(frame: WatchFrame): void;
  /** Called when a read fails; the watcher goes on and tries again on the next notice. */
  failed(error: unknown): void;
}

async function readQueueFrame(queue: Queue, rows: number): Promise<QueueFrame> {
  const now = Date.now();
  const [stats, running, waiting] = await Promise.all([
    queue.getStats(),
    queue.listJobs({ states: ['running'], limit: rows, order: 'asc' }),
    waitingInClaimOrder(queue, { now, limit: rows }),
  ]);
  const statuses = await Promise.all(waiting.map((job) => queue.getStatus(job.id)));
  const byStart = running.items.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  // Shown as every other command shows a job: `watch --json` prints the frame as it is.
  return { stats, running: byStart.map(shownJob), waiting: statuses.filter((s) => s.state === 'queued'), now };
}

async function readOverview(storage: Storage, queueOf: (name: string) => Queue): Promise<QueueStats[]> {
  const configs = await storage.listQueues();
  return Promise.all(configs.map((c) => queueOf(c.name).getStats()));
}

/** Redraws on notices and on the safety refresh until `stop()`. */
export class Watcher {
  private unsubscribe: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private settle: ReturnType<typeof setTimeout> | undefined;
  private readonly redraws: Paced;
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly target: WatchTarget,
    private readonly timing: WatchTiming,
    private readonly makeQueue: (name: string) => Queue,
  ) {
    this.redraws = new Paced(
      (readMs) => Math.max(timing.minRedrawMs, 2 * readMs),
      () => this.redraw(),
    );
  }

  /**
   * Subscribes, then draws the first frame; resolves once it is drawn. A storage's subscription
   * can take a moment to reach its server (LISTEN, SUBSCRIBE), so one more frame follows after
   * `settleMs`: a change made in that gap is shown then rather than at the next event.
   */
  async start(): Promise<void> {
    const notifier = this.target.storage.notifier;
    this.unsubscribe = notifier?.subscribe(this.target.queue?.name ?? '*', () => this.schedule(), { remote: true });
    this.timer = setInterval(() => this.schedule(), this.timing.refreshMs);
    this.settle = setTimeout(() => this.schedule(), this.timing.settleMs ?? 1_000);
    await this.redraws.runNow();
  }

  /** Stops listening and drawing; idempotent. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.redraws.stop();
  }

  private schedule(): void {
    this.redraws.request();
  }

  private queueOf(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = this.makeQueue(name)));
    return queue;
  }

  /** Reads and draws one frame (paced by `redraws`: never two at once, spaced by the read time). */
  private async redraw(): Promise<void> {
    try {
      const { queue, rows } = this.target;
      const frame: WatchFrame = queue
        ? { queue: await readQueueFrame(queue, rows) }
        : { overview: await readOverview(this.target.storage, (n) => this.queueOf(n)) };
      this.target.draw(frame);
    } catch (error) {
      this.target.failed(error);
    }
  }
}
