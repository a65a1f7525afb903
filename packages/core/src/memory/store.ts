/**
 * The data of a `MemoryStorage`: jobs, queue configurations and workers, with the per-queue
 * indexes its operations read. Plain maps; every operation runs synchronously, so each one is
 * atomic without locks.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import type { ScheduleRecord } from '../schedule-params.js';
import type { WorkerInfo } from '../storage-reads.js';
import { DEFAULT_MAX_STALLS, type QueueConfig } from '../storage.js';
import type { JobState } from '../state.js';
import { GroupRotation } from './groups.js';
import { SortedJobs } from './sorted-jobs.js';
import type { RetentionPolicy } from '../retention/policy.js';
import { type KeptSample, newestSamples, sampleOfJob } from '../retention/samples.js';

/** One queue's jobs and indexes. @internal */
export interface QueueJobs {
  /** Every job of the queue by id, in insertion (`seq`) order. */
  readonly all: Map<string, JobRecord>;
  /** The `queued` jobs, in claim order. */
  readonly waiting: SortedJobs;
  /** The `running` jobs by id. */
  readonly running: Map<string, JobRecord>;
  /** Idempotency key → job id, for every stored job of the queue that has a key. */
  readonly keys: Map<string, string>;
  /** The `queued` jobs again, per level and group, with the turn stamps of a grouped queue. */
  readonly groups: GroupRotation;
}

/** Indexes a job that became queued: its place in the queue's order and its group's line. */
function enqueued(jobs: QueueJobs, job: JobRecord): void {
  jobs.waiting.insert(job);
  jobs.groups.add(job);
}

/** Takes a job that leaves `queued` out of both indexes. */
function dequeued(jobs: QueueJobs, job: JobRecord): void {
  jobs.waiting.remove(job);
  jobs.groups.remove(job);
}

/** The configuration a queue has until configured otherwise. @internal */
export function defaultQueueConfig(name: string): QueueConfig {
  return { name, concurrency: null, maxSize: null, paused: false, maxStalls: DEFAULT_MAX_STALLS, draining: false };
}

/**
 * Everything one `MemoryStorage` holds. Jobs stored here are never handed out: reads return
 * copies (see `copy.ts`).
 * @internal
 */
export class MemoryStore {
  /** Every job by id, across queues (ids are unique per storage). */
  readonly jobs = new Map<string, JobRecord>();
  /** Stored queue configurations by name. */
  readonly queues = new Map<string, QueueConfig>();
  /** Registered workers by id. */
  readonly workers = new Map<string, WorkerInfo>();
  /** Each rate-limited queue's log of recent start times (see `rate-limit.ts`), trimmed by its claims. */
  readonly rateStarts = new Map<string, number[]>();
  /** Per queue with a `groupRateLimit`: each named group's log of recent start times, trimmed by its claims. */
  readonly groupStarts = new Map<string, Map<string, number[]>>();
  private readonly byQueue = new Map<string, QueueJobs>();
  private readonly schedules = new Map<string, Map<string, ScheduleRecord>>();
  /** Per queue: the ETA samples of pruned jobs, newest first (see `retention/samples.ts`). */
  private readonly samples = new Map<string, KeptSample[]>();
  /** Per queue: the stored retention policy and the housekeeping lease. */
  readonly housekeeping = new Map<string, { retention: RetentionPolicy | null; holder: string | null; expiresAt: number }>();
  private lastSeq = 0;

  /** The next insertion number: larger than every stored job's. */
  nextSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  /** The queue's jobs and indexes, created empty on first use. */
  queueJobs(queue: string): QueueJobs {
    let jobs = this.byQueue.get(queue);
    if (jobs === undefined) {
      jobs = { all: new Map(), waiting: new SortedJobs(), running: new Map(), keys: new Map(), groups: new GroupRotation() };
      this.byQueue.set(queue, jobs);
    }
    return jobs;
  }

  /** The queue's schedules by key, created empty on first use. */
  schedulesOf(queue: string): Map<string, ScheduleRecord> {
    let map = this.schedules.get(queue);
    if (map === undefined) {
      map = new Map();
      this.schedules.set(queue, map);
    }
    return map;
  }

  /** The queue's kept samples, newest first. */
  samplesOf(queue: string): readonly KeptSample[] {
    return this.samples.get(queue) ?? [];
  }

  /** Keeps the samples of `jobs` about to be deleted; the store keeps the newest `limit`. */
  keepSamples(queue: string, jobs: Iterable<JobRecord>, limit: number): void {
    const fresh: KeptSample[] = [];
    for (const job of jobs) {
      const sample = sampleOfJob(job);
      if (sample !== null) fresh.push(sample);
    }
    if (fresh.length > 0) this.samples.set(queue, newestSamples([...this.samplesOf(queue), ...fresh], limit));
  }

  /** The stored configuration, or the defaults for a queue never configured nor added to. */
  configOf(queue: string): QueueConfig {
    return this.queues.get(queue) ?? defaultQueueConfig(queue);
  }

  /** The job with this id when it belongs to `queue`; undefined otherwise. */
  jobOf(queue: string, id: string): JobRecord | undefined {
    const job = this.jobs.get(id);
    return job?.queue === queue ? job : undefined;
  }

  /** Stores a new job (queued, or finished when imported) and indexes it by its state. */
  insert(job: JobRecord): void {
    const jobs = this.queueJobs(job.queue);
    this.jobs.set(job.id, job);
    jobs.all.set(job.id, job);
    if (job.idempotencyKey !== null) jobs.keys.set(job.idempotencyKey, job.id);
    if (job.state === 'queued') enqueued(jobs, job);
    if (job.state === 'running') jobs.running.set(job.id, job);
  }

  /** Moves a job to `state`, keeping the waiting and running indexes in step. */
  setState(job: JobRecord, state: JobState): void {
    const jobs = this.queueJobs(job.queue);
    if (job.state === 'queued') dequeued(jobs, job);
    if (job.state === 'running') jobs.running.delete(job.id);
    job.state = state;
    if (state === 'queued') enqueued(jobs, job);
    if (state === 'running') jobs.running.set(job.id, job);
  }

  /** Changes a job's order key (`priority`, `runAt`) in place, keeping it at its place if queued. */
  reorder(job: JobRecord, change: (job: JobRecord) => void): void {
    const jobs = job.state === 'queued' ? this.queueJobs(job.queue) : null;
    if (jobs !== null) dequeued(jobs, job);
    change(job);
    if (jobs !== null) enqueued(jobs, job);
  }

  /** Deletes a job and every index entry it had. */
  delete(job: JobRecord): void {
    const jobs = this.queueJobs(job.queue);
    if (job.state === 'queued') dequeued(jobs, job);
    if (job.state === 'running') jobs.running.delete(job.id);
    if (job.idempotencyKey !== null && jobs.keys.get(job.idempotencyKey) === job.id) jobs.keys.delete(job.idempotencyKey);
    jobs.all.delete(job.id);
    this.jobs.delete(job.id);
  }

  /** The running jobs of one queue, or of every queue when `queue` is undefined. */
  *runningJobs(queue?: string): Iterable<JobRecord> {
    if (queue !== undefined) {
      yield* this.byQueue.get(queue)?.running.values() ?? [];
      return;
    }
    for (const jobs of this.byQueue.values()) yield* jobs.running.values();
  }
}
