/**
 * The schedule loop every `Worker` runs: it sleeps until the earliest due tick (at most
 * {@link SCHEDULE_MAX_SLEEP_MS}, the fallback poll), or until a schedule changes: in this process,
 * or anywhere the storage's notifier reaches (a `schedule` notice; a `changed` notice, another
 * process's write, re-reads at most every {@link CHANGED_READ_GAP_MS}), then fires what is due.
 * Every worker of a queue runs one; they race, and the storage's compare-and-set on each
 * schedule's `nextRunAt` lets exactly one fire each tick. At its first pass and once a minute it
 * also moves back next ticks a clock ahead of time wrote (`repair.ts`).
 * @module
 * @internal
 */
import type { Queue } from '../queue.js';
import type { StorageNotice } from '../storage-notify.js';
import { fireDueSchedules } from './fire.js';
import { repairAheadTicks, SCHEDULE_REPAIR_EVERY_MS } from './repair.js';
import { onScheduleChange, SCHEDULE_MAX_SLEEP_MS } from './wakeups.js';

/**
 * The least time between two reads a `changed` notice causes: a storage that sends one for every
 * write of another process (SQLite's file watcher) would otherwise make every worker re-read its
 * due schedules at each of them.
 */
export const CHANGED_READ_GAP_MS = 250;

/** One worker's schedule loop. @internal */
export class ScheduleLoop {
  private timer: NodeJS.Timeout | undefined;
  /** A read a `changed` notice asked for, held back until {@link CHANGED_READ_GAP_MS} after the last one. */
  private soon: NodeJS.Timeout | undefined;
  private lastReadAt = 0;
  private lastRepairAt: number | undefined;
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
    const { storage, name } = this.queue;
    const offLocal = onScheduleChange(storage, name, () => this.wake());
    const offNotices = storage.notifier?.subscribe(name, (n) => this.onNotice(n));
    this.off = () => {
      offLocal();
      offNotices?.();
    };
    this.wake();
  }

  private onNotice(n: StorageNotice): void {
    if (n.kind === 'schedule') this.wake();
    else if (n.kind === 'changed') this.wakeSoon();
  }

  /** Reads the due schedules once {@link CHANGED_READ_GAP_MS} passed since the last read. */
  private wakeSoon(): void {
    if (this.stopped || this.soon !== undefined) return;
    const wait = this.lastReadAt + CHANGED_READ_GAP_MS - Date.now();
    if (wait <= 0) {
      this.wake();
      return;
    }
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.wake();
    }, wait);
    this.soon.unref?.();
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
      this.lastReadAt = Date.now();
      try {
        await this.repairDue();
        const pass = await fireDueSchedules(this.queue, SCHEDULE_MAX_SLEEP_MS, this.report);
        nextDueAt = pass.nextDueAt;
        this.again ||= pass.more;
      } catch (err) {
        this.report(err);
      }
      // Timers, I/O and close() get their turn between passes, even with a storage that answers
      // without touching I/O (MemoryStorage, SQLite).
      if (this.again && !this.stopped) await new Promise<void>((resume) => setImmediate(resume));
    } while (this.again && !this.stopped);
    if (this.stopped) return;
    const delay = nextDueAt === null ? SCHEDULE_MAX_SLEEP_MS : Math.min(SCHEDULE_MAX_SLEEP_MS, Math.max(0, nextDueAt - this.queue.clock.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref?.();
  }

  /** Moves back next ticks a clock ahead of time wrote: at the first pass, then every {@link SCHEDULE_REPAIR_EVERY_MS}. */
  private async repairDue(): Promise<void> {
    if (this.lastRepairAt !== undefined && Date.now() - this.lastRepairAt < SCHEDULE_REPAIR_EVERY_MS) return;
    this.lastRepairAt = Date.now();
    await repairAheadTicks(this.queue, this.report);
  }

  /** Stops the loop and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.soon);
    this.off?.();
    await this.pass;
  }
}
