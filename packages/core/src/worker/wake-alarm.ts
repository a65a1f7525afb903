/**
 * A worker's one timed wake-up, for the moments it knows work may appear before its next poll:
 * the next start a rate-limited claim reported (`SettleResult.nextStartAt`, so a worker with no
 * token left sleeps instead of polling), and the due time of a delayed job a notice announced.
 * Only the earliest armed time counts: a later one never pushes an earlier wake-up back.
 * @internal
 * @module
 */

/** One re-armable timer that calls `wake` at the earliest time armed. @internal */
export class WakeAlarm {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(private readonly wake: () => void) {}

  /** Wakes at `at` (a time on the queue's clock, read as `now`), unless armed earlier. */
  arm(at: number | undefined, now: number): void {
    if (at === undefined) return;
    if (this.timer !== undefined && this.at <= at) return;
    this.clear();
    this.at = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, at - now),
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
