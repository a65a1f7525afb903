/**
 * A worker's step loop: runs its settle-and-claim steps one at a time, and decides when a wake-up
 * (a notice, a poll, an alarm) calls for another.
 * @internal
 * @module
 */

/** Runs one step at a time until nothing asks for another. @internal */
export class StepLoop {
  /** The last claim came back short (or was held back): a wake-up may find work. */
  idle = false;
  private inFlight = false;
  private again = false;
  private run: Promise<void> | undefined;
  private scheduled = false;

  constructor(private readonly step: () => Promise<void>) {}

  /** Whether a step is in flight. */
  get ticking(): boolean {
    return this.inFlight;
  }

  /** Asks for one more step after the one in flight. */
  more(): void {
    this.again = true;
  }

  /**
   * Looks for work when there is room and the last claim came back short, or when a step is in
   * flight: that step's claim may have read the storage before what woke us was written, so one
   * more step follows it (otherwise the notice would be lost until the next poll).
   */
  wake(hasRoom: boolean): void {
    if ((this.idle || this.inFlight) && hasRoom) this.schedule();
  }

  /** Runs the steps on the next turn of the event loop (once, however often asked before). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.tick();
    });
  }

  /**
   * Runs steps until nothing asks for another. A call during a run asks for one more step and
   * returns the running one's promise, so a shutdown can await a settle in flight.
   */
  tick(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.run ?? Promise.resolve();
    }
    this.inFlight = true;
    this.run = (async () => {
      try {
        do {
          this.again = false;
          await this.step();
        } while (this.again);
      } finally {
        this.inFlight = false;
      }
    })();
    return this.run;
  }
}
