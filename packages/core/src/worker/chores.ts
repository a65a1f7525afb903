/**
 * The queue-wide chores every `Worker` runs beside its jobs, each racing the other workers of the
 * queue so that exactly one does each piece: firing due schedule ticks (`schedules/loop.ts`) and
 * applying retention while it holds the housekeeping lease (`retention/loop.ts`).
 * @module
 * @internal
 */
import type { Queue } from '../queue.js';
import { HousekeepingLoop } from '../retention/loop.js';
import { ScheduleLoop } from '../schedules/loop.js';

/** One worker's schedule and housekeeping loops, started and stopped together. @internal */
export class QueueChores {
  private readonly scheduler: ScheduleLoop;
  private readonly housekeeper: HousekeepingLoop;

  constructor(queue: Queue, workerId: string, report: (err: unknown) => void) {
    this.scheduler = new ScheduleLoop(queue, report);
    this.housekeeper = new HousekeepingLoop(queue, workerId, report);
  }

  /** Starts both loops. */
  start(): void {
    this.scheduler.start();
    this.housekeeper.start();
  }

  /** Stops both loops and waits for their passes in flight (the housekeeper hands its lease back). */
  async stop(): Promise<void> {
    await Promise.all([this.scheduler.stop(), this.housekeeper.stop()]);
  }
}
