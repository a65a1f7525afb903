/**
 * Jobs the storage holds as running under this worker that the worker does not know of: a claim
 * whose reply was lost (a connection dropped after the script or statement ran). The heartbeat
 * renews every lease held under the worker's id, so such a job would stay `running` forever.
 * A job seen unknown at two heartbeats in a row, with no settle-and-claim step in flight at
 * either, is handed back (`released`: queued again in its place, no attempt spent).
 * @internal
 * @module
 */
import type { Storage } from '../storage.js';

/** Tracks unknown renewed jobs across heartbeats and releases the ones seen twice. @internal */
export class OrphanWatch {
  private seen = new Set<string>();

  constructor(
    private readonly storage: Storage,
    private readonly queue: string,
    private readonly workerId: string,
    private readonly now: () => number,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Called at each heartbeat with the ids it renewed; `known` says whether the worker runs or settles an id. */
  check(renewed: readonly string[], stepInFlight: boolean, known: (id: string) => boolean): void {
    if (stepInFlight) {
      this.seen.clear();
      return;
    }
    const next = new Set<string>();
    for (const id of renewed) {
      if (known(id)) continue;
      if (this.seen.has(id)) void this.release(id);
      else next.add(id);
    }
    this.seen = next;
  }

  private async release(id: string): Promise<void> {
    try {
      const job = await this.storage.getJob({ queue: this.queue, id });
      if (job?.state !== 'running' || job.workerId !== this.workerId || !job.leaseToken) return;
      await this.storage.settle({ queue: this.queue, now: this.now(), released: [{ id, leaseToken: job.leaseToken }] });
    } catch (err) {
      this.report(err);
    }
  }
}
