/**
 * Replays one trace through a real `Queue` on a real storage under a manual clock: jobs are added
 * at their arrival times, `concurrency` slots claim them by the storage's own ordering rule and
 * settle them when their true run time has passed. At each add the job's status is read as an app
 * would read it, and kept beside what then happened.
 * @module
 */
import { type Clock, type Eta, Queue, type Storage } from '@waitline/core';
import type { TraceJob, TraceSpec } from './trace.js';

/** What was predicted for one job when it was added, and what happened. */
export interface Outcome {
  job: TraceJob;
  addedAt: number;
  /** When it came due: its add, or later for a job added with a delay. */
  readyAt: number;
  /** 1-based position at add, or null when not ready. */
  position: number | null;
  eta: Eta | null;
  /** position × mean recent run time ÷ concurrency, the estimate an app makes by hand; null before any history. */
  naiveWaitMs: number | null;
  startedAt: number;
  finishedAt: number;
  /** The position the job really had: 1 + jobs claimed after its add and before it. */
  realPosition: number;
  /** The job's rank among all claims of the replay (1 = first claimed). */
  claimSeq: number;
  /** True when a job that came due after it was claimed before it. */
  overtaken: boolean;
}

const T0 = Date.UTC(2026, 0, 1);
const QUEUE = 'replay';
const WORKER = 'replay-worker';

class ManualClock implements Clock {
  at = T0;
  now(): number {
    return this.at;
  }
}

interface Running {
  id: string;
  leaseToken: string;
  endAt: number;
  index: number;
}

interface Pending {
  job: TraceJob;
  addedAt: number;
  claimsAtAdd: number;
  position: number | null;
  eta: Eta | null;
  naiveWaitMs: number | null;
}

/** The replay of one trace; `run()` returns one outcome per job, in trace order. */
export class Replay {
  private readonly clock = new ManualClock();
  private readonly queue: Queue<{ index: number }>;
  private readonly running: Running[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly started = new Map<number, { at: number; claimSeq: number }>();
  private readonly outcomes: Outcome[] = [];
  private readonly recentRuns: number[] = [];
  /** When each delayed job added so far comes due, soonest last (popped as the clock passes it). */
  private readonly dues: number[] = [];
  private claims = 0;

  constructor(
    private readonly storage: Storage,
    private readonly spec: TraceSpec,
    private readonly trace: readonly TraceJob[],
  ) {
    this.queue = new Queue(storage, QUEUE, { clock: this.clock });
  }

  /** Runs the whole trace. */
  async run(): Promise<Outcome[]> {
    let next = 0;
    while (next < this.trace.length || this.running.length > 0 || this.dues.length > 0) {
      const arrival = this.trace[next];
      const finish = this.running.reduce<Running | undefined>((min, r) => (min === undefined || r.endAt < min.endAt ? r : min), undefined);
      const due = this.dues.at(-1);
      const nextAt = Math.min(finish?.endAt ?? Number.POSITIVE_INFINITY, arrival ? T0 + arrival.arriveAt : Number.POSITIVE_INFINITY);
      if (due !== undefined && due < nextAt) {
        // A delayed job comes due: a free slot takes it then, as a worker woken at its runAt would.
        this.clock.at = due;
        this.dues.pop();
      } else if (finish && (!arrival || finish.endAt <= T0 + arrival.arriveAt)) {
        this.clock.at = finish.endAt;
        await this.settle(finish);
      } else if (arrival) {
        this.clock.at = T0 + arrival.arriveAt;
        await this.add(arrival);
        next++;
      }
      await this.claim();
    }
    return this.outcomes.sort((a, b) => a.job.index - b.job.index);
  }

  private async heartbeat(): Promise<void> {
    await this.storage.registerWorker({ id: WORKER, queue: QUEUE, host: 'replay', pid: 1, concurrency: this.spec.concurrency, now: this.clock.at });
  }

  private naive(position: number | null): number | null {
    if (position === null || this.recentRuns.length === 0) return null;
    const mean = this.recentRuns.reduce((a, b) => a + b, 0) / this.recentRuns.length;
    return (position * mean) / this.spec.concurrency;
  }

  private async add(job: TraceJob): Promise<void> {
    await this.heartbeat();
    const options = { priority: job.priority, ...(job.size === null ? {} : { size: job.size }), ...(job.delayMs > 0 ? { delayMs: job.delayMs } : {}) };
    const added = await this.queue.add({ index: job.index }, options);
    if (job.delayMs > 0) {
      this.dues.push(this.clock.at + job.delayMs);
      this.dues.sort((a, b) => b - a);
    }
    const status = await this.queue.getStatus(added.id);
    this.pending.set(job.index, {
      job,
      addedAt: this.clock.at,
      claimsAtAdd: this.claims,
      position: status.position,
      eta: status.eta,
      naiveWaitMs: this.naive(status.position),
    });
  }

  private async claim(): Promise<void> {
    const free = this.spec.concurrency - this.running.length;
    if (free <= 0) return;
    await this.heartbeat();
    const claimed = await this.storage.claim({ queue: QUEUE, workerId: WORKER, limit: free, leaseMs: 1e12, now: this.clock.at });
    for (const record of claimed) {
      const index = (record.payload as { index: number }).index;
      this.claims++;
      this.started.set(index, { at: this.clock.at, claimSeq: this.claims });
      this.running.push({ id: record.id, leaseToken: record.leaseToken!, endAt: this.clock.at + this.trace[index]!.runMs, index });
    }
  }

  private async settle(done: Running): Promise<void> {
    this.running.splice(this.running.indexOf(done), 1);
    const result = await this.storage.settle({ queue: QUEUE, now: this.clock.at, completed: [{ id: done.id, leaseToken: done.leaseToken, result: null }] });
    if (result.lost.length > 0) throw new Error(`replay lost the lease of ${done.id}`);
    const run = this.trace[done.index]!.runMs;
    // What a worker publishes on completion; the queue object that serves statuses hears it on the
    // storage's notifier, as a status-serving process without workers does, and scores its ETAs.
    this.storage.notifier?.publish({
      queue: QUEUE,
      kind: 'event',
      event: 'job:completed',
      jobId: done.id,
      data: { queue: QUEUE, jobId: done.id, result: null, durationMs: run },
      source: WORKER,
    });
    this.recentRuns.push(run);
    if (this.recentRuns.length > 100) this.recentRuns.shift();
    this.record(done.index);
  }

  private record(index: number): void {
    const p = this.pending.get(index)!;
    const start = this.started.get(index)!;
    this.outcomes.push({
      job: p.job,
      addedAt: p.addedAt,
      readyAt: p.addedAt + p.job.delayMs,
      position: p.position,
      eta: p.eta,
      naiveWaitMs: p.naiveWaitMs,
      startedAt: start.at,
      finishedAt: this.clock.at,
      realPosition: start.claimSeq - p.claimsAtAdd,
      claimSeq: start.claimSeq,
      overtaken: false,
    });
  }
}

/** Marks each outcome whose job was overtaken: a job that came due after it was claimed before it. */
export function markOvertaken(outcomes: Outcome[]): void {
  const byAdd = [...outcomes].sort((a, b) => a.readyAt - b.readyAt || a.job.index - b.job.index);
  let earliestLaterClaim = Number.POSITIVE_INFINITY;
  for (let i = byAdd.length - 1; i >= 0; i--) {
    const o = byAdd[i]!;
    o.overtaken = earliestLaterClaim < o.claimSeq;
    earliestLaterClaim = Math.min(earliestLaterClaim, o.claimSeq);
  }
}
