/**
 * The housekeeping loop every `Worker` runs: every {@link HOUSEKEEPING_INTERVAL_MS} it tries to
 * take its queue's housekeeping lease and, holding it, applies the stored retention policy. The
 * holder renews the lease at every pass (well within its length), so it keeps pruning; when it
 * dies, another worker takes over once the lease expires.
 * @module
 * @internal
 */
import type { Queue } from '../queue.js';
import { applyRetention } from './prune.js';

/** How often a worker runs a housekeeping pass. */
export const HOUSEKEEPING_INTERVAL_MS = 10_000;

/** One worker's housekeeping loop. @internal */
export class HousekeepingLoop {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;
  private held = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly queue: Queue,
    private readonly holder: string,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Runs a pass now, then one every interval until {@link stop}. */
  start(): void {
    this.run();
    this.timer = setInterval(() => this.run(), HOUSEKEEPING_INTERVAL_MS);
    this.timer.unref?.();
  }

  private run(): void {
    if (this.stopped || this.pass !== undefined) return;
    this.pass = applyRetention(this.queue, { holder: this.holder, signal: this.abort.signal })
      .then(
        (pass) => {
          this.held = pass.held;
        },
        (err: unknown) => this.report(err),
      )
      .finally(() => {
        this.pass = undefined;
      });
  }

  /**
   * Stops the loop, ends a pass in flight before its next batch and waits for it, and hands the lease back when this worker held it
   * (renewing it for 0 ms expires it at once), so another worker takes over without waiting.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.abort.abort();
    await this.pass;
    if (!this.held) return;
    const release = { queue: this.queue.name, holder: this.holder, leaseMs: 0, now: this.queue.clock.now() };
    await this.queue.storage.takeHousekeepingLease(release).catch((err: unknown) => this.report(err));
  }
}
