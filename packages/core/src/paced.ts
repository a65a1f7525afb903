/**
 * A paced task: it runs at most once per gap (which may grow with how long the last run took),
 * one run at a time, and once more when asked while running, so no request is lost. Shared by the
 * HTTP package's refreshes and the CLI's `watch` redraws.
 * @module
 */

/**
 * Runs `job` when asked, never two at once, at least `gap(lastDurationMs)` after the end of the
 * last run. A request while a run is in flight is remembered (once) and served after it; requests
 * while one is pending collapse into it. `job` must not throw (a rejection is swallowed).
 * @internal
 */
export class Paced {
  private running: Promise<void> | null = null;
  private again = false;
  private nextAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly gap: (lastDurationMs: number) => number,
    private readonly job: () => Promise<void>,
  ) {}

  /** Asks for a run: once the gap since the last one has passed, or right after the one in flight. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.run(), Math.max(0, this.nextAt - Date.now()));
    this.timer.unref?.();
  }

  /**
   * Runs now, gap or not (a pending request is served by it), and resolves when that run ends.
   * While a run is in flight, asks for one more and resolves when the one in flight ends.
   */
  async runNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    return this.run();
  }

  private run(): Promise<void> {
    this.timer = undefined;
    const started = Date.now();
    this.running = this.job()
      .catch(() => undefined)
      .finally(() => {
        this.nextAt = Date.now() + this.gap(Date.now() - started);
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
    return this.running;
  }

  /** Drops a pending run (a run in flight ends on its own, without a follow-up). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
  }
}
