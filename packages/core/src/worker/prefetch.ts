/**
 * A worker's prefetched jobs (option `prefetch`): claimed beyond its free slots, so a slot that
 * frees up starts the next job at once instead of after a round trip to the storage. They are
 * `running` in the storage under the worker's id, so its heartbeat renews their leases like the
 * running ones', the reclaim sweep gives them back if the worker dies, and no other worker takes
 * them. They start in claim order. Only on a queue without a global concurrency limit (a held
 * job would hold one of the limit's slots without running) nor a rate limit (a held job would
 * start later than the claim the limit counted, so handler starts could bunch past the bound).
 * @internal
 * @module
 */
import type { BeatReport } from '../heartbeat/beat.js';
import type { JobRecord } from '../job-record.js';
import type { Outcome } from './attempt.js';

interface Held {
  job: JobRecord;
  /** Heartbeats in a row that did not renew its lease. */
  missed: number;
  /** Claimed ahead of the free slots (prefetch), not held behind an earlier attempt of its own. */
  ahead: boolean;
}

/** Claimed jobs handed back unrun: queued again in their place, no attempt spent. @internal */
export function releaseOutcomes(jobs: readonly JobRecord[]): Outcome[] {
  return jobs.map((job) => ({ kind: 'released', item: { id: job.id, leaseToken: job.leaseToken ?? '' } }));
}

/** The jobs a worker holds before running them, in claim order. @internal */
export class PrefetchBuffer {
  private readonly held = new Map<string, Held>();
  /** Held jobs that may not start yet: an earlier attempt's handler may still run (see `holdBehind`). */
  private readonly blocked = new Set<string>();

  /** @param depth the most jobs held at once (0: no prefetch). */
  constructor(readonly depth: number) {}

  get size(): number {
    return this.held.size;
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  /** How many more jobs a step may claim to hold: none on a queue with a global or a rate limit. */
  room(allowed: boolean): number {
    return allowed ? Math.max(0, this.depth - this.held.size) : 0;
  }

  /** Holds claimed jobs, after those already held. */
  push(jobs: readonly JobRecord[], ahead = true): void {
    for (const job of jobs) this.held.set(job.id, { job, missed: 0, ahead });
  }

  /**
   * Holds a job claimed again while its earlier attempt's handler may still run here: it does not
   * start until `earlier` settles (the caller bounds that wait), then `onFree` is called.
   */
  holdBehind(job: JobRecord, earlier: Promise<unknown>, onFree: () => void): void {
    this.push([job], false);
    this.blocked.add(job.id);
    void earlier.then(() => {
      this.blocked.delete(job.id);
      onFree();
    });
  }

  /** The first held job (in claim order) that may start and `startable` accepts, taken out. */
  shift(startable: (id: string) => boolean = () => true): JobRecord | undefined {
    for (const [id, h] of this.held) {
      if (this.blocked.has(id) || !startable(id)) continue;
      this.held.delete(id);
      return h.job;
    }
    return undefined;
  }

  /** A job with a cancel request, taken out and acknowledged unrun (undefined when not held). */
  cancel(id: string): Outcome | undefined {
    const h = this.held.get(id);
    if (!h) return undefined;
    this.held.delete(id);
    return { kind: 'cancelled', item: { id, leaseToken: h.job.leaseToken ?? '', error: null } };
  }

  /**
   * The jobs claimed ahead (prefetched) handed back unrun, queued again in their place with no
   * attempt spent; those held behind an earlier attempt of their own stay.
   */
  releaseAhead(): Outcome[] {
    const jobs: JobRecord[] = [];
    for (const [id, h] of this.held) {
      if (!h.ahead) continue;
      this.held.delete(id);
      jobs.push(h.job);
    }
    return releaseOutcomes(jobs);
  }

  /** Every held job handed back unrun (the worker is closing): queued again in its place, no attempt spent. */
  releaseAll(): Outcome[] {
    const out = releaseOutcomes([...this.held.values()].map((h) => h.job));
    this.held.clear();
    return out;
  }

  /**
   * Applies a heartbeat: a held job with a cancel request is acknowledged (returned), and one
   * whose lease two heartbeats in a row did not renew (claimed before them) is dropped, unrun: it
   * is someone else's now. Nothing is written for a dropped job.
   */
  onBeat(report: BeatReport): Outcome[] {
    const out: Outcome[] = [];
    for (const id of report.cancelRequested) {
      const o = this.cancel(id);
      if (o) out.push(o);
    }
    const renewed = new Set(report.renewed);
    for (const [id, h] of this.held) {
      if (renewed.has(id)) h.missed = 0;
      else if ((h.job.startedAt ?? 0) < report.at && ++h.missed >= 2) this.held.delete(id);
    }
    return out;
  }
}
