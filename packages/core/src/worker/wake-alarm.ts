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

  /** `now` is the clock `at` is read on (the queue's); default `Date.now`. */
  constructor(
    private readonly wake: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wakes at `at` (a time on the queue's clock, read as `now`), unless armed earlier. */
  arm(at: number | undefined, now: number): void {
    if (at === undefined) return;
    if (this.timer !== undefined && this.at <= at) return;
    this.clear();
    this.at = at;
    this.start(Math.max(0, at - now));
  }

  /**
   * A timer can fire a few ms before the clock reaches its time (libuv counts the delay from the
   * event loop's cached time, which lags the clock by as long as the current turn has run): woken
   * then, a claim finds the job not yet due and nothing wakes the worker again until its poll.
   * So a timer that fired early, with the clock moving, waits out the rest; a clock that did not
   * move at all (a test's frozen clock) wakes at once, as before.
   */
  private start(delayMs: number): void {
    this.timer = setTimeout(() => {
      const left = this.at - this.now();
      if (left > 0 && left < delayMs) return this.start(left);
      this.timer = undefined;
      this.at = Number.POSITIVE_INFINITY;
      this.wake();
    }, delayMs);
    this.timer.unref?.();
  }

  /** Drops the armed wake-up (the worker closes). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
