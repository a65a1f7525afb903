/**
 * The wake-up of a worker held back by its queue's rate limit: the claim reports when the next
 * start may happen (`SettleResult.nextStartAt`), and one timer wakes the worker then, instead of
 * the worker polling while no token is left. Only the earliest armed time counts.
 * @internal
 * @module
 */

/** One re-armable timer that calls `wake` at the next start a rate-limited claim reported. @internal */
export class RateWake {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(private readonly wake: () => void) {}

  /** Wakes at `nextStartAt` (a time on the queue's clock, read as `now`), unless armed earlier. */
  arm(nextStartAt: number | undefined, now: number): void {
    if (nextStartAt === undefined) return;
    if (this.timer !== undefined && this.at <= nextStartAt) return;
    this.clear();
    this.at = nextStartAt;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, nextStartAt - now),
    );
    this.timer.unref?.();
  }

  /** Drops the armed wake-up (the worker closes). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
