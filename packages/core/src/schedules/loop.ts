/**
 * The schedule loop every `Worker` runs: it sleeps until the earliest due tick (at most
 * {@link SCHEDULE_MAX_SLEEP_MS}), or until a schedule changes in this process, then fires what is
 * due. Every worker of a queue runs one; they race, and the storage's compare-and-set on each
 * schedule's `nextRunAt` lets exactly one fire each tick.
 * @module
 * @internal
 */
import type { Queue } from '../queue.js';
import { fireDueSchedules } from './fire.js';
import { onScheduleChange, SCHEDULE_MAX_SLEEP_MS } from './wakeups.js';

/** One worker's schedule loop. @internal */
export class ScheduleLoop {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private off: (() => void) | undefined;

  constructor(
    private readonly queue: Queue,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Fires what is due now, then keeps firing until {@link stop}. */
  start(): void {
    this.off = onScheduleChange(this.queue.storage, this.queue.name, () => this.wake());
    this.wake();
  }

  /** Reads the due schedules now (once more after a pass in flight). */
  wake(): void {
    if (this.stopped) return;
    if (this.pass !== undefined) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pass = this.run().finally(() => {
      this.pass = undefined;
    });
  }

  private async run(): Promise<void> {
    let nextDueAt: number | null = null;
    do {
      this.again = false;
      try {
        const pass = await fireDueSchedules(this.queue, SCHEDULE_MAX_SLEEP_MS, this.report);
        nextDueAt = pass.nextDueAt;
        this.again ||= pass.more;
      } catch (err) {
        this.report(err);
      }
    } while (this.again && !this.stopped);
    if (this.stopped) return;
    const delay = nextDueAt === null ? SCHEDULE_MAX_SLEEP_MS : Math.min(SCHEDULE_MAX_SLEEP_MS, Math.max(0, nextDueAt - this.queue.clock.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref?.();
  }

  /** Stops the loop and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.off?.();
    await this.pass;
  }
}
