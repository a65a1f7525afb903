/**
 * A worker's fair share of its queue's global concurrency limit.
 *
 * Why: a worker settles and claims in one step, so under a global limit the slot a finished job
 * frees is taken again by the worker that finished it, before any other worker can see it free.
 * Workers that hold slots keep them, and a worker process started while they hold every slot never
 * runs a job. So when the live workers' slots together exceed the limit, each worker claims only
 * up to its share of the limit, in proportion to its concurrency (rounded up, so the shares still
 * add up to at least the limit and the limit, not the shares, bounds throughput). A worker learns
 * the limit and the live workers from the storage (`getQueue`, then `getStats` only while a limit
 * is set), at most every `refreshMs`; between reads it uses the last figure, and before its first
 * claim it waits for one. The storage still enforces the limit itself: the share only decides who
 * gets the slots.
 * @internal
 * @module
 */
import type { Queue } from '../queue.js';
import type { WorkerInfo } from '../storage.js';

/**
 * The most jobs a worker should hold at once under a global `limit`, or null when it need not
 * hold back (no limit, or the live workers' slots fit within it). The limit is shared out among
 * the live workers (`self` counted even when not listed yet) in proportion to their concurrency,
 * rounded down, and the slots left over go one each to the workers with the largest remainders,
 * ties broken in id order turned by `turn`: so the shares add up to exactly the limit (no worker
 * is refused by the storage while the others hold their shares, and none waits to be woken for a
 * slot it could have refilled), and as `turn` moves on the odd slots move round every worker, even
 * one whose share rounds down to 0.
 * @internal
 */
export function fairShareOf(limit: number | null, self: { id: string; concurrency: number }, live: readonly WorkerInfo[], turn = 0): number | null {
  if (limit === null) return null;
  const workers = [...live.filter((w) => w.id !== self.id), self].map((w) => ({ id: w.id, concurrency: Math.max(0, w.concurrency) }));
  const slots = workers.reduce((sum, w) => sum + w.concurrency, 0);
  if (slots <= limit) return null;
  workers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = ((turn % workers.length) + workers.length) % workers.length;
  const order = [...workers.slice(start), ...workers.slice(0, start)].map((w) => {
    const exact = (limit * w.concurrency) / slots;
    return { id: w.id, base: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = limit - order.reduce((sum, w) => sum + w.base, 0);
  const mine = order.find((w) => w.id === self.id) as { base: number };
  const byRemainder = order.map((w, i) => ({ ...w, i })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const w of byRemainder) {
    if (left <= 0) break;
    left -= 1;
    if (w.id === self.id) return mine.base + 1;
  }
  return mine.base;
}

/** Settings of a {@link FairShare}. @internal */
export interface FairShareOptions {
  id: string;
  concurrency: number;
  /** How often the limit and the live workers are read again. */
  refreshMs: number;
  /** How long the odd slots stay with the same workers before moving on. */
  turnMs: number;
  /** Workers not seen for this long are not counted. */
  staleMs: number;
  onError(err: unknown): void;
}

/** Tracks one worker's fair share and says how many slots a step may claim. @internal */
export class FairShare {
  private share: number | null = null;
  private limited = true;
  private rated = true;
  private pausedNow = false;
  /** Grows each time a pause is seen (read or told), so a claim can tell whether one came while it was in flight. */
  private pausesSeen = 0;
  private refreshedAt: number | null = null;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly queue: Queue<never, never>,
    private readonly options: FairShareOptions,
  ) {}

  /**
   * The tracker of worker `id`: settings and live workers read again at most every poll (never
   * more often than every 500 ms), turns of 5 s, and a worker counted until it missed a lease or
   * two heartbeats.
   */
  static ofWorker(
    queue: Queue<never, never>,
    id: string,
    concurrency: number,
    periods: { pollIntervalMs: number; leaseMs: number; heartbeatMs: number },
    onError: (err: unknown) => void,
  ): FairShare {
    const refreshMs = Math.max(500, periods.pollIntervalMs);
    const staleMs = Math.max(periods.leaseMs, 2 * periods.heartbeatMs);
    return new FairShare(queue, { id, concurrency, refreshMs, turnMs: 5_000, staleMs, onError });
  }

  /** How many more jobs a worker holding `active` may claim now (0 when at or over its share). */
  async claimable(active: number): Promise<number> {
    // Read on schedule even with every slot busy: held jobs start on what it says of the pause.
    if (this.refreshedAt === null) await this.refresh();
    else if (!this.fresh) void this.refresh();
    const free = this.options.concurrency - active;
    if (free <= 0) return 0;
    return this.share === null ? free : Math.max(0, Math.min(free, this.share - active));
  }

  /** Whether the last read is recent (within `refreshMs`): a pause made since in another process may not be known otherwise. */
  get fresh(): boolean {
    return this.refreshedAt !== null && Date.now() - this.refreshedAt < this.options.refreshMs;
  }

  /**
   * Whether the last read found the queue with a rate limit, its own or its groups' (true until a read): a worker then
   * holds no job ahead (prefetch), since a held job's start would come later than the claim that
   * the limit counted, and claims through `settle` so it learns when the next start may happen.
   */
  get rateLimited(): boolean {
    return this.rated;
  }

  /**
   * Whether the queue is paused, as last read or told (a `queue:paused` notice, a claim that got
   * jobs): held jobs do not start while it is.
   */
  get paused(): boolean {
    return this.pausedNow;
  }

  /** Records what a notice showed of the pause, until the next read. */
  notePaused(paused: boolean): void {
    if (paused) this.pausesSeen += 1;
    this.pausedNow = paused;
  }

  /** A mark to pass to {@link noteClaimed}: take it before a claim is sent. */
  get pauseMark(): number {
    return this.pausesSeen;
  }

  /**
   * A claim sent at `mark` got jobs, so the queue was not paused when it read it: clears the pause,
   * unless a pause was seen since the claim was sent (it came after the claim's read and stands).
   */
  noteClaimed(mark: number): void {
    if (mark === this.pausesSeen) this.pausedNow = false;
  }

  /** Whether a worker may hold jobs ahead (prefetch): only on a queue with neither a global nor a rate limit (its own or its groups'). */
  get prefetchAllowed(): boolean {
    return !this.limited && !this.rated;
  }

  /** Reads the queue's config and workers now (or joins the read in flight); never rejects. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read()
      .catch((err) => this.options.onError(err))
      .finally(() => {
        this.refreshedAt = Date.now();
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const { storage, name } = this.queue;
    const config = await storage.getQueue(name);
    this.pausedNow = config?.paused === true;
    if (this.pausedNow) this.pausesSeen += 1;
    const limit = config?.concurrency ?? null;
    // A group's rate limit holds claims back as the queue's does: claim through settle, prefetch nothing.
    this.rated = (config?.rateLimit ?? null) !== null || (config?.groupRateLimit ?? null) !== null;
    this.limited = limit !== null;
    if (limit === null) {
      this.share = null;
      return;
    }
    const now = this.queue.clock.now();
    const stats = await storage.getStats({ queue: name, now, windowsMs: [], sampleLimit: 0, workerStaleMs: this.options.staleMs });
    this.share = fairShareOf(stats.config.concurrency, this.options, stats.liveWorkers, Math.floor(now / this.options.turnMs));
  }
}
