/**
 * The check a worker makes when another process wrote: are any of its running jobs asked to
 * cancel? Reads only, at most once per poll interval, and never dropped: a change seen during
 * the quiet period gets a trailing check at its end.
 * @internal
 * @module
 */
import type { Storage } from '../storage.js';
import type { ActiveAttempt } from './attempt.js';

/** Re-reads a worker's running jobs for cancel requests, paced. @internal */
export class CancelCheck {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'getJob'>,
    private readonly queue: string,
    private readonly active: ReadonlyMap<string, ActiveAttempt>,
    private readonly pollIntervalMs: number,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Asks for a check: now, or at the end of the current quiet period. */
  request(): void {
    if (this.active.size === 0 || this.timer) return;
    const wait = Math.max(0, this.last + this.pollIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = Date.now();
      void this.check();
    }, wait);
  }

  /** Cancels a pending check (the worker is closing). */
  stop(): void {
    clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    try {
      for (const [id, attempt] of this.active) {
        const job = await this.storage.getJob({ queue: this.queue, id });
        if (job?.cancelRequested && job.leaseToken === attempt.leaseToken) attempt.abort('cancelled');
      }
    } catch (err) {
      this.report(err);
    }
  }
}
