/**
 * Transitions out of `running` and lease upkeep in memory. Every write here is guarded by the
 * lease token: a job that is not `running` under that token is not touched.
 * @module
 * @internal
 */
import { LeaseLostError } from '../errors.js';
import type { JobErrorInfo, JobRecord } from '../job-record.js';
import type { LeaseRef, LeaseState, ProgressParams, ReclaimParams, RenewLeasesParams, SettleParams, SettleResult, StartedAt } from '../storage.js';
import { claimLimited } from './claim.js';
import { asStored, copyJob } from './copy.js';
import type { MemoryStore } from './store.js';

/** The job when `ref` holds its lease, else undefined. @internal */
export function heldJob(store: MemoryStore, ref: LeaseRef): JobRecord | undefined {
  const job = store.jobs.get(ref.id);
  return job?.state === 'running' && job.leaseToken === ref.leaseToken ? job : undefined;
}

/** Ends a job's lease in a final state at `now`. */
function finish(store: MemoryStore, job: JobRecord, state: 'completed' | 'failed' | 'cancelled', now: number): void {
  store.setState(job, state);
  job.finishedAt = now;
  job.leaseToken = null;
  job.leaseExpiresAt = null;
}

/** Back to `queued` with the lease cleared (its `runAt` as the caller set it). */
function requeue(store: MemoryStore, job: JobRecord): void {
  store.setState(job, 'queued');
  job.finishedAt = null;
  job.leaseToken = null;
  job.leaseExpiresAt = null;
}

/** One settle item: the lease it names and what to do with the job once the guard passed. */
interface SettleStep {
  ref: LeaseRef;
  apply(job: JobRecord): void;
}

/** A failed attempt: `cancelled` when a cancel was requested, else `queued` at `retryAt`, else `failed`. */
function fail(store: MemoryStore, job: JobRecord, error: JobErrorInfo | null, retryAt: number | null, now: number): void {
  job.error = error;
  if (job.cancelRequested) finish(store, job, 'cancelled', now);
  else if (retryAt === null) finish(store, job, 'failed', now);
  else {
    job.runAt = retryAt;
    requeue(store, job);
  }
}

/** Stamps the handler's real start when the item carries one (see `StartedAt`). */
function started(job: JobRecord, item: StartedAt): JobRecord {
  if (item.startedAt !== undefined) job.startedAt = item.startedAt;
  return job;
}

/** The settle items in the order completed, failed, cancelled, released; values made storable first. */
function settleSteps(store: MemoryStore, p: SettleParams): SettleStep[] {
  const { now } = p;
  const steps: SettleStep[] = [];
  for (const ref of p.completed ?? []) {
    const result = asStored(ref.result);
    steps.push({ ref, apply: (job) => finish(store, Object.assign(started(job, ref), { result }), 'completed', now) });
  }
  for (const ref of p.failed ?? []) {
    const error = asStored(ref.error);
    steps.push({ ref, apply: (job) => fail(store, started(job, ref), error, ref.retryAt, now) });
  }
  for (const ref of p.cancelled ?? []) {
    const error = asStored(ref.error);
    steps.push({ ref, apply: (job) => finish(store, Object.assign(started(job, ref), { error: error ?? job.error }), 'cancelled', now) });
  }
  for (const ref of p.released ?? []) steps.push({ ref, apply: (job) => release(store, job, now) });
  return steps;
}

/** A job handed back unfinished: `queued` with `runAt` kept and the attempt given back, or `cancelled` when asked. */
function release(store: MemoryStore, job: JobRecord, now: number): void {
  if (job.cancelRequested) {
    finish(store, job, 'cancelled', now);
    return;
  }
  job.attempt = Math.max(job.attempt - 1, 0);
  requeue(store, job);
}

/**
 * Settles every item (each guarded by its lease; a miss lands in `lost`, unwritten), then claims
 * when `p.claim` is given, so the freed slots count. Every value is made storable before the
 * first write, so a value JSON cannot carry throws with nothing written. @internal
 */
export function settleJobs(store: MemoryStore, p: SettleParams): SettleResult {
  const settled: JobRecord[] = [];
  const lost: string[] = [];
  for (const step of settleSteps(store, p)) {
    const job = heldJob(store, step.ref);
    if (job === undefined || job.queue !== p.queue) {
      lost.push(step.ref.id);
      continue;
    }
    step.apply(job);
    settled.push(copyJob(job));
  }
  const claim = p.claim ? claimLimited(store, { ...p.claim, queue: p.queue, now: p.now }) : { jobs: [] };
  const result: SettleResult = { settled, lost, claimed: claim.jobs };
  if (claim.nextStartAt !== undefined) result.nextStartAt = claim.nextStartAt;
  return result;
}

/** The lease state of a renewed job. */
function leaseState(job: JobRecord): LeaseState {
  return { id: job.id, held: true, cancelRequested: job.cancelRequested, leaseExpiresAt: job.leaseExpiresAt };
}

/**
 * Extends the given leases still held by jobs of `queue` (others reported `held: false`, not
 * written), or without `leases` every job of `queue` running under `workerId`. @internal
 */
export function renewLeases(store: MemoryStore, p: RenewLeasesParams): LeaseState[] {
  const expires = p.now + p.leaseMs;
  if (p.leases === undefined) {
    const mine = [...store.runningJobs(p.queue)].filter((j) => j.workerId === p.workerId);
    return mine.map((job) => leaseState(Object.assign(job, { leaseExpiresAt: expires })));
  }
  return p.leases.map((ref) => {
    const job = heldJob(store, ref);
    if (job === undefined || job.queue !== p.queue) return { id: ref.id, held: false, cancelRequested: false, leaseExpiresAt: null };
    return leaseState(Object.assign(job, { leaseExpiresAt: expires }));
  });
}

/** Writes progress stamped `updatedAt = now` while the lease is held; throws `LeaseLostError` otherwise. @internal */
export function reportProgress(store: MemoryStore, p: ProgressParams): JobRecord {
  const { percent, stage, data } = p.progress;
  const progress = asStored(data === undefined ? { percent, stage, updatedAt: p.now } : { percent, stage, data, updatedAt: p.now });
  const job = heldJob(store, p);
  if (job === undefined || job.queue !== p.queue) throw new LeaseLostError(p.id);
  job.progress = progress;
  return copyJob(job);
}

/** Moves one expired job out of `running` as {@link ReclaimParams} says, from its queue's `maxStalls`. */
function reclaimOne(store: MemoryStore, job: JobRecord, p: ReclaimParams): void {
  const forgiven = !job.cancelRequested && job.stalls < store.configOf(job.queue).maxStalls;
  const requeued = forgiven || (!job.cancelRequested && job.attempt < job.maxAttempts);
  if (!job.cancelRequested) job.error = asStored({ ...p.error, attempt: job.attempt, at: p.now });
  job.stalls += 1;
  if (job.cancelRequested) finish(store, job, 'cancelled', p.now);
  else if (!requeued) finish(store, job, 'failed', p.now);
  else if (forgiven) {
    job.attempt = Math.max(job.attempt - 1, 0);
    requeue(store, job);
  } else {
    job.runAt = p.now;
    requeue(store, job);
  }
}

/** Moves every running job whose lease expired before `now` (in `p.queue`, or every queue); returns them by `seq`. @internal */
export function reclaimExpired(store: MemoryStore, p: ReclaimParams): JobRecord[] {
  const expired = [...store.runningJobs(p.queue)].filter((j) => (j.leaseExpiresAt ?? Number.POSITIVE_INFINITY) < p.now);
  expired.sort((a, b) => a.seq - b.seq);
  for (const job of expired) reclaimOne(store, job, p);
  return expired.map(copyJob);
}
