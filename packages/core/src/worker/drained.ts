/**
 * The read behind the `queue:drained` event: whether a queue has nothing queued or running.
 * @internal
 * @module
 */
import type { Queue } from '../queue.js';

/**
 * True when `queue` has no queued or running job (one page of one job). A failed read is
 * reported and answers false: the event waits for the next idle step. Never rejects.
 * @internal
 */
export async function queueIsEmpty(queue: Pick<Queue<never, never>, 'storage' | 'name'>, report: (err: unknown) => void): Promise<boolean> {
  try {
    const page = await queue.storage.listJobs({ queue: queue.name, states: ['queued', 'running'], limit: 1 });
    return page.items.length === 0;
  } catch (err) {
    report(err);
    return false;
  }
}

/**
 * When a worker says `queue:drained`: once after it ran jobs, when a read finds the queue empty;
 * again only after it ran another job. @internal
 */
export class DrainedNotice {
  private busy = false;

  /** A job started here: the next empty queue is worth saying. */
  ran(): void {
    this.busy = true;
  }

  /** Calls `emit` when a job ran here since the last notice and `queue` is empty now (at most once per emptying). */
  async check(queue: Pick<Queue<never, never>, 'storage' | 'name'>, report: (err: unknown) => void, emit: () => void): Promise<void> {
    if (!this.busy || !(await queueIsEmpty(queue, report)) || !this.busy) return;
    this.busy = false;
    emit();
  }
}
