/**
 * A worker's webhook hooks: the deliveries its settles and reclaims call for, and its jobs'
 * progress deliveries, coalesced.
 *
 * Coalescing is per job and per process (progress of one attempt is reported by one worker): the
 * first report is delivered at once, and later ones inside the subscription's
 * `progressIntervalMs` only mark the job; at the end of the interval the latest progress is
 * delivered (a trailing send) and a new interval starts. So a job gets at most one progress
 * delivery per interval, and the last report before a quiet interval is always delivered. A
 * trailing send still pending when the attempt ends is dropped when the outcome's delivery
 * carries the final progress (the subscription asks for that outcome); otherwise (a
 * progress-only subscription, a retry still to come) it is sent at once.
 * @internal
 * @module
 */
import type { JobId, JobRecord } from '../job-record.js';
import type { Storage } from '../storage.js';
import { outcomeEvent, type Standing } from './body.js';
import { announceOutcome, enqueueDelivery } from './outbox.js';

/** What the hooks need from their worker. @internal */
export interface WebhookHost {
  readonly storage: Storage;
  readonly clock: { now(): number };
  /** The job's position and ETA now (the worker's queue's `getStatus`). */
  getStatus(id: JobId): Promise<Standing>;
}

interface Pending {
  timer: NodeJS.Timeout;
  /** The latest progress reported inside the interval, not yet delivered. */
  latest: JobRecord | null;
}

/** A worker's webhook hooks. @internal */
export class WebhookHooks {
  private readonly intervals = new Map<JobId, Pending>();

  constructor(
    private readonly host: WebhookHost,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Jobs a settle or a reclaim moved: enqueue the deliveries of those now final. */
  settled(jobs: readonly JobRecord[]): void {
    for (const job of jobs) {
      if (job.state !== 'running') this.attemptEnded(job);
      if (job.webhook !== null) void announceOutcome(this.host.storage, job, this.host.clock.now(), this.report);
    }
  }

  /** A job of this worker stored a progress report (`job` as stored). */
  progress(job: JobRecord): void {
    const sub = job.webhook;
    if (sub === null || !sub.events.includes('progress') || job.progress === null) return;
    const pending = this.intervals.get(job.id);
    if (pending) {
      pending.latest = job;
      return;
    }
    this.send(job);
    this.startInterval(job.id, sub.progressIntervalMs);
  }

  /** Drops every pending trailing send (the worker is closing). */
  close(): void {
    for (const id of [...this.intervals.keys()]) this.forget(id);
  }

  private startInterval(id: JobId, ms: number): void {
    const timer = setTimeout(() => {
      const latest = this.intervals.get(id)?.latest;
      this.intervals.delete(id);
      if (!latest) return;
      this.send(latest);
      this.startInterval(id, ms);
    }, ms);
    timer.unref?.();
    this.intervals.set(id, { timer, latest: null });
  }

  /**
   * Ends the job's interval. Its held-back report is dropped only when the outcome's delivery will
   * carry it; a subscription without that event (or a retry, which delivers nothing) gets it now.
   */
  private attemptEnded(job: JobRecord): void {
    const latest = this.intervals.get(job.id)?.latest;
    this.forget(job.id);
    const event = outcomeEvent(job.state);
    const carried = event !== null && job.webhook?.events.includes(event) === true;
    // Sent without a standing: the attempt it reports on is over (a retry waits with a position).
    if (latest && !carried) this.send(latest, true);
  }

  private forget(id: JobId): void {
    const pending = this.intervals.get(id);
    if (pending) clearTimeout(pending.timer);
    this.intervals.delete(id);
  }

  /** Enqueues a progress delivery of `job`: with its standing now, or none once its attempt ended. */
  private send(job: JobRecord, attemptEnded = false): void {
    const { storage, clock } = this.host;
    const none: Standing = { position: null, eta: null };
    const standing = attemptEnded ? Promise.resolve(none) : this.host.getStatus(job.id).catch(() => none);
    void standing.then((s) => enqueueDelivery(storage, job, 'progress', clock.now(), s)).catch(this.report);
  }
}
