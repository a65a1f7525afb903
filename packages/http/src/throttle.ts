/**
 * A paced task: it runs at most once per gap (which may grow with how long the last run took),
 * one run at a time, and once more when asked while running, so no request is lost.
 * @module
 */

/** Runs `job` when asked, never two at once, at least `gap(lastDurationMs)` apart. */
export class Paced {
  private running = false;
  private again = false;
  private nextAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly gap: (lastDurationMs: number) => number,
    private readonly job: () => Promise<void>,
  ) {}

  /** Asks for a run: soon, or right after the one in flight. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.run(), Math.max(0, this.nextAt - Date.now()));
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    const started = Date.now();
    try {
      await this.job();
    } finally {
      const took = Date.now() - started;
      this.nextAt = Date.now() + this.gap(took);
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }

  /** Drops a pending run. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
  }
}
