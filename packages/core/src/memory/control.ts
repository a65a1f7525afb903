/**
 * Operator transitions in memory: cancel, retry by hand, change priority, promote, remove. A job
 * of another queue is not found, and a refused transition writes nothing.
 * @module
 * @internal
 */
import { InvalidTransitionError, JobNotFoundError } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import type { JobState } from '../state.js';
import type { CancelParams, ChangePriorityParams, JobRef, PromoteParams, RemoveParams, RetryParams } from '../storage.js';
import { checkRemovableStates } from '../remove-jobs.js';
import { copyJob } from './copy.js';
import { checkReadmission } from './enqueue.js';
import type { MemoryStore } from './store.js';

/** The job of `ref.queue` or `JobNotFoundError` (also for another queue's job). */
function jobOrThrow(store: MemoryStore, ref: JobRef): JobRecord {
  const job = store.jobOf(ref.queue, ref.id);
  if (job === undefined) throw new JobNotFoundError(ref.id);
  return job;
}

/** The job when it is in one of `from`; `InvalidTransitionError` (to `to`) otherwise. */
function jobIn(store: MemoryStore, ref: JobRef, from: readonly JobState[], to: JobState): JobRecord {
  const job = jobOrThrow(store, ref);
  if (!from.includes(job.state)) throw new InvalidTransitionError(ref.id, job.state, to);
  return job;
}

/**
 * Queued: `cancelled` at `now`; running: `cancelRequested` set, still running until its worker
 * settles it; cancelled: returned as is; completed or failed: `InvalidTransitionError`. @internal
 */
export function cancelJob(store: MemoryStore, p: CancelParams): JobRecord {
  const job = jobOrThrow(store, p);
  if (job.state === 'queued') {
    store.setState(job, 'cancelled');
    job.finishedAt = p.now;
  } else if (job.state === 'running') job.cancelRequested = true;
  else if (job.state !== 'cancelled') throw new InvalidTransitionError(p.id, job.state, 'cancelled');
  return copyJob(job);
}

/**
 * A failed or cancelled job back to `queued` at `p.runAt ?? p.now` (the back of its priority
 * level), `attempt` and `stalls` reset; its last error and `startedAt` are kept. Refused, with
 * nothing written, where an add would be: a draining queue, a full queue or a full group. @internal
 */
export function retryJob(store: MemoryStore, p: RetryParams): JobRecord {
  const job = jobIn(store, p, ['failed', 'cancelled'], 'queued');
  checkReadmission(store, p.queue, job.group);
  job.attempt = 0;
  job.stalls = 0;
  job.runAt = p.runAt ?? p.now;
  job.finishedAt = null;
  job.leaseToken = null;
  job.leaseExpiresAt = null;
  job.cancelRequested = false;
  store.setState(job, 'queued');
  return copyJob(job);
}

/** A queued job's new priority; its place among waiting jobs follows at once. @internal */
export function changePriority(store: MemoryStore, p: ChangePriorityParams): JobRecord {
  const job = jobIn(store, p, ['queued'], 'queued');
  store.reorder(job, (j) => {
    j.priority = p.priority;
  });
  return copyJob(job);
}

/** A queued job ready now (`runAt = min(runAt, now)`); a ready job is unchanged. @internal */
export function promoteJob(store: MemoryStore, p: PromoteParams): JobRecord {
  const job = jobIn(store, p, ['queued'], 'queued');
  if (job.runAt > p.now) {
    store.reorder(job, (j) => {
      j.runAt = p.now;
    });
  }
  return copyJob(job);
}

/** True when `job` is selected by `p`: its state listed, and queued ones created (final ones finished) before `olderThan`. */
function removable(job: JobRecord, p: RemoveParams, states: ReadonlySet<string>): boolean {
  if (job.state === 'running' || !states.has(job.state)) return false;
  if (p.olderThan === undefined) return true;
  const at = job.state === 'queued' ? job.createdAt : job.finishedAt;
  return at !== null && at < p.olderThan;
}

/** Removes at most `p.limit` of the queue's jobs `p` selects (never running ones), oldest first, in one step; returns how many. @internal */
export function removeJobs(store: MemoryStore, p: RemoveParams): number {
  checkRemovableStates(p);
  const states = new Set<string>(p.states);
  const doomed = [...store.queueJobs(p.queue).all.values()].filter((job) => removable(job, p, states)).slice(0, p.limit);
  if (p.sampleLimit !== undefined) store.keepSamples(p.queue, doomed, p.sampleLimit);
  for (const job of doomed) store.delete(job);
  return doomed.length;
}
