/**
 * The reclaim sweep every worker runs: jobs whose lease expired (their worker crashed, was killed
 * or is cut off) leave `running`, where the storage decides from the queue's stored `maxStalls`
 * (see `ReclaimParams`), and each emits `job:stalled`.
 * @internal
 * @module
 */
import type { WaitlineEventMap, WaitlineEventName } from '../events.js';
import type { JobRecord } from '../job-record.js';
import type { Queue } from '../queue.js';
import type { WebhookHooks } from '../webhooks/hooks.js';
import { emitSettled } from './settle.js';

/** What the sweep needs from its worker. @internal */
export interface SweepHost {
  readonly queue: Pick<Queue, 'storage' | 'name' | 'clock'>;
  readonly leaseMs: number;
  /** Enqueues the webhook deliveries of the jobs that ended. */
  readonly webhooks: Pick<WebhookHooks, 'settled'>;
  /** Emits a job event on the queue, with the worker as its source. */
  emitJob<K extends WaitlineEventName>(event: K, payload: WaitlineEventMap[K]): void;
  /** Jobs went back to the queue: look for work. */
  wake(): void;
  reportError(err: unknown): void;
}

/** The error a reclaimed job records (core adds the lost attempt and the time). @internal */
export const LEASE_EXPIRED_ERROR = {
  name: 'LeaseExpiredError',
  message: 'the worker stopped renewing its lease (crashed or stuck)',
  code: 'LEASE_LOST',
} as const;

/**
 * Sweeps expired leases when asked (every half lease period), one sweep at a time.
 *
 * After this worker could not reach the storage, it sweeps nothing for one lease period: an outage
 * stops every worker's heartbeats at once, so right after it every lease may look expired though
 * its worker is alive. Waiting one lease period gives each live heartbeat (every third of a lease
 * by default) time to renew first, so an outage shorter than the lease plus that wait costs no
 * job a second run. A worker that is really gone stays silent and is reclaimed afterwards.
 * @internal
 */
export class ReclaimSweep {
  private holdUntil = 0;
  private sweeping = false;

  constructor(private readonly host: SweepHost) {}

  /** This worker's storage call failed as unreachable: sweep nothing for one lease period. */
  noteUnreachable(): void {
    this.holdUntil = Date.now() + this.host.leaseMs;
  }

  /** Runs one sweep unless one is running or an outage hold is on; errors go to the worker. */
  async sweep(): Promise<void> {
    if (this.sweeping || Date.now() < this.holdUntil) return;
    this.sweeping = true;
    const { queue } = this.host;
    try {
      const moved = await queue.storage.reclaimExpired({ queue: queue.name, now: queue.clock.now(), error: { ...LEASE_EXPIRED_ERROR } });
      for (const job of moved) this.announce(job);
      this.host.webhooks.settled(moved);
      if (moved.some((j) => j.state === 'queued')) this.host.wake();
    } catch (err) {
      this.host.reportError(err);
    } finally {
      this.sweeping = false;
    }
  }

  private announce(job: JobRecord): void {
    const emit = this.host.emitJob.bind(this.host);
    const state = job.state as 'queued' | 'failed' | 'cancelled';
    // The stored error carries the attempt that stalled (before a forgiven stall handed it back);
    // a cancelled job keeps its error, and its attempt is untouched.
    const attempt = state === 'cancelled' ? job.attempt : (job.error?.attempt ?? job.attempt);
    emit('job:stalled', { queue: job.queue, jobId: job.id, attempt, state, stalls: job.stalls });
    if (state !== 'queued') emitSettled(emit, job, 'failed');
  }
}
