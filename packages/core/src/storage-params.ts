/**
 * The params and results of the `Storage` seam's calls, one object per call so fields can be
 * added without breaking adapters. Each type says what the call it feeds does with it; the calls
 * themselves, and what each guarantees and ignores, are in `storage.ts`.
 * @module
 */
import type { JobErrorInfo, JobId, JobProgress, JobRecord, NewJob } from './job-record.js';
import type { QueueRateLimit } from './rate-limit.js';
import type { JobState } from './state.js';

/**
 * The `maxStalls` a queue has until configured otherwise: a job's first stall (its worker died
 * or went silent) costs no attempt, a second one does. Like BullMQ's `maxStalledCount`.
 */
export const DEFAULT_MAX_STALLS = 1;

/** A queue's configuration as stored: shared by every process using the storage. */
export interface QueueConfig {
  name: string;
  /** Most jobs running at once across every worker on every host; null means no limit. */
  concurrency: number | null;
  /** Most jobs waiting (`queued`, ready or scheduled); null means no limit. */
  maxSize: number | null;
  /** A paused queue hands out no job; running jobs go on. */
  paused: boolean;
  /**
   * How many lease expiries (stalls) of one job are forgiven: while the job's `stalls` count is
   * below it, a reclaim hands the attempt back (see {@link ReclaimParams}). 0 makes every stall
   * cost an attempt. A new queue stores {@link DEFAULT_MAX_STALLS}.
   */
  maxStalls: number;
  /**
   * A draining queue refuses every add with `QueueDrainingError` (checked in the same atomic step
   * as `maxSize`, so nothing is written) while workers go on claiming what is queued; it is not
   * paused. A new queue is not draining.
   */
  draining: boolean;
  /**
   * The queue's start-rate limit, or null for none: every claim (settle-and-claim included)
   * counts the starts logged in the last `intervalMs` in the same atomic step as it leases, and
   * leases no more than the tokens left. A new queue has none. Storages leave the field out when
   * the queue has no limit (so configs read before limits existed compare equal); null reads the
   * same as absent.
   *
   * Removing the limit clears the log of starts in the same atomic write, so a limit set again
   * later counts only the starts made after it. Replacing a limit by another (or by the same, as
   * every process's `ready()` does) keeps the log: starts already made count against the new
   * limit while they are inside its window, so a restart or a lowered `max` never lets a burst
   * through. A shorter `intervalMs` counts fewer of them by itself; a longer one counts only those
   * the log still holds (claims trim it to the old interval).
   */
  rateLimit?: QueueRateLimit | null | undefined;
  /**
   * Most running jobs of any one named group, or null for none (a storage with the `groups`
   * capability only). A claim skips a group at its cap without reading its jobs; the group keeps
   * its turn, so it goes next once one of its jobs settles, and its jobs keep their positions.
   * Ungrouped jobs are bound by the queue's limits only. Storages leave the field out when unset;
   * null reads the same as absent.
   */
  groupConcurrency?: number | null | undefined;
  /**
   * Most queued jobs (ready or scheduled, every level) of any one named group, or null for none:
   * an add that would pass it throws `GroupFullError`, checked atomically with the write, and
   * writes nothing. Imports, retries and priority changes ignore it, as they ignore `maxSize`.
   * Left out when unset, as {@link groupConcurrency}.
   */
  groupMaxWaiting?: number | null | undefined;
  /**
   * Most starts of any one named group in any `intervalMs`-long window, or null for none (a
   * storage with the `groups` capability only): the same sliding window as {@link rateLimit},
   * counted per group. A claim skips a group with no token left without reading its jobs; the
   * group keeps its turn and its jobs keep their positions, and a claim left short by it reports
   * the group's next token in `nextStartAt`. Every start counts against both this and the queue's
   * `rateLimit`. Ungrouped jobs are bound by the queue's limits only. Removing it forgets every
   * group's log of starts in the same atomic write; replacing it keeps them. Left out when unset,
   * as {@link groupConcurrency}.
   */
  groupRateLimit?: QueueRateLimit | null | undefined;
}

/** A group's stored settings (`Queue.setGroup`); a group without any has weight 1. */
export interface GroupSettings {
  /**
   * How many jobs the group gives per round of its level's rotation, an integer from 1 to
   * `MAX_GROUP_WEIGHT` (100): a group of weight 2 takes two turns in a row where others take one.
   */
  weight: number;
}

/** A group's stored settings with its name, as `listGroupSettings` returns them. */
export interface GroupSettingsRecord extends GroupSettings {
  group: string;
}

/** Stores a named group's settings (null removes them, back to weight 1); creates a missing queue. */
export interface SetGroupParams {
  queue: string;
  /** A named group (never the default group `''`). */
  group: string;
  settings: GroupSettings | null;
  now: number;
}

/** Creates the queue if missing; fields left undefined keep their stored (or default) value. */
export interface UpsertQueueParams {
  name: string;
  concurrency?: number | null;
  maxSize?: number | null;
  paused?: boolean;
  /** An integer from 0; see {@link QueueConfig.maxStalls}. */
  maxStalls?: number;
  /**
   * See {@link QueueConfig.draining}. When the call sets it to true, the storage returns only once
   * every add already past its draining check has committed or rolled back (a Postgres add in a
   * caller's open transaction included), so an add is either refused or visible afterwards.
   */
  draining?: boolean;
  /** See {@link QueueConfig.rateLimit}; null removes the limit and clears its log of starts in the same write. */
  rateLimit?: QueueRateLimit | null | undefined;
  /** See {@link QueueConfig.groupConcurrency}; null removes the cap. */
  groupConcurrency?: number | null | undefined;
  /** See {@link QueueConfig.groupMaxWaiting}; null removes the cap. */
  groupMaxWaiting?: number | null | undefined;
  /** See {@link QueueConfig.groupRateLimit}; null removes the limit and clears every group's log of starts in the same write. */
  groupRateLimit?: QueueRateLimit | null | undefined;
  now: number;
}

/**
 * Writes jobs; all of them or none. `Tx` is the storage's own transaction type (`unknown` for a
 * storage that cannot join one; for `PostgresStorage`, a `pg` client after `BEGIN`).
 */
export interface EnqueueParams<Tx = unknown> {
  queue: string;
  jobs: NewJob[];
  now: number;
  /**
   * A caller's own open transaction (for `pg`, a client after `BEGIN`): the jobs are written in
   * it, visible to workers only once it commits and gone if it rolls back. Core passes it only to
   * a storage whose `capabilities.transactionalEnqueue` is true; its type is the storage's.
   */
  tx?: Tx;
}

/** The stored jobs, in the order given; `inserted[i]` is false when an idempotency key matched. */
export interface EnqueueResult {
  jobs: JobRecord[];
  inserted: boolean[];
  /**
   * True when the write itself sent the `added` notice (the earliest inserted job's `runAt`) to
   * the queue's subscribers in every other process, as the storage's notifier would have: core
   * then only delivers it here (`Notifier.publishLocal`). Absent: core publishes it.
   */
  announced?: boolean;
}

/** Claims up to `limit` ready jobs by the ordering rule, honouring pause and global concurrency. */
export interface ClaimParams {
  queue: string;
  workerId: string;
  limit: number;
  leaseMs: number;
  now: number;
}

/** A worker's proof that it owns a running job. */
export interface LeaseRef {
  id: JobId;
  leaseToken: string;
}

/**
 * When an attempt's handler really started, for an item of a job that waited in its worker after
 * the claim (a prefetched job): stored as the job's `startedAt` with the outcome, so run times, and
 * the ETAs learnt from them, leave that wait out. Absent, `startedAt` stays the claim's time.
 */
export interface StartedAt {
  startedAt?: number;
}

/** A running job that returned: it ends `completed`, even when a cancel request arrived too late. */
export interface CompleteItem extends LeaseRef, StartedAt {
  result: unknown;
}

/**
 * A running job whose attempt threw: back to `queued` at `retryAt`, or `failed` when null. When the
 * job carries a cancel request it ends `cancelled` instead, whatever `retryAt` says.
 */
export interface FailItem extends LeaseRef, StartedAt {
  error: JobErrorInfo;
  retryAt: number | null;
}

/** A running job whose handler stopped after a cancel request: it ends `cancelled`. */
export interface CancelAckItem extends LeaseRef, StartedAt {
  error: JobErrorInfo | null;
}

/**
 * Settles finished attempts and optionally claims the next jobs, in one atomic step, so a busy
 * worker pays one transaction (or script) per batch instead of two per job.
 */
export interface SettleParams {
  queue: string;
  now: number;
  completed?: CompleteItem[];
  failed?: FailItem[];
  cancelled?: CancelAckItem[];
  /**
   * Running jobs handed back unfinished (worker shutdown): back to `queued` at once with `runAt`
   * unchanged (they keep their place) and `attempt` decremented, so the handover costs no attempt.
   * A released job that carries a cancel request ends `cancelled`.
   */
  released?: LeaseRef[];
  /** Claims after the settles, in the same step, with the slots they freed counted. */
  claim?: Omit<ClaimParams, 'queue' | 'now'> | undefined;
}

/** What a settle did: jobs whose lease guard missed are in `lost` and were not written. */
export interface SettleResult {
  settled: JobRecord[];
  lost: JobId[];
  claimed: JobRecord[];
  /**
   * Set when a rate limit held this step's claim back, so a worker can sleep until then instead
   * of polling: the queue's `rateLimit` (its tokens ran out; the time its next one frees), or else
   * the `groupRateLimit` when fewer jobs were claimed than asked and a group with a ready job was
   * passed over for want of a token (the earliest next token among such groups). Absent otherwise.
   */
  nextStartAt?: number;
}

/**
 * Extends the leases a worker holds in `queue`. With `leases`, exactly those (each guarded by its
 * token and by `queue`: a lease of another queue's job is reported not held and left alone);
 * without, every job of `queue` running under `workerId`, which lets a heartbeat thread renew
 * without being told of each job the worker starts.
 */
export interface RenewLeasesParams {
  workerId: string;
  queue: string;
  leases?: LeaseRef[];
  leaseMs: number;
  now: number;
}

/** One lease after a renewal: `held` false means the job is no longer this worker's. */
export interface LeaseState {
  id: JobId;
  held: boolean;
  cancelRequested: boolean;
  leaseExpiresAt: number | null;
}

/** A running job's progress, written only while the lease is held by a job of `queue`. */
export interface ProgressParams extends LeaseRef {
  queue: string;
  progress: Omit<JobProgress, 'updatedAt'>;
  now: number;
}

/**
 * Names one job of one queue. Every by-id call carries the queue: a job of another queue is
 * reported as not found (`JobNotFoundError`, or null for reads) and nothing is written, so a
 * right to act on one queue never becomes a right to act on another's jobs.
 */
export interface JobRef {
  queue: string;
  id: JobId;
}

/** Cancels a job: queued ends `cancelled` at once; running gets `cancelRequested`. */
export interface CancelParams extends JobRef {
  now: number;
}

/**
 * Moves every running job whose lease expired before `now` out of `running`, deciding per job from
 * its queue's stored `maxStalls`, in this order:
 * - a cancel was requested: `cancelled` at `now` (error and attempt untouched);
 * - `stalls < maxStalls` (a forgiven stall): `queued` with `runAt` kept (it keeps its place, as
 *   a released job does) and `attempt` one lower, so the lost attempt is not spent;
 * - attempts left: `queued` at `runAt = now` (the back of its priority level), the attempt spent;
 * - otherwise `failed` at `now`.
 * Every moved job's `stalls` grows by one; all but the cancelled record `error` as given plus the
 * lost `attempt` (before any hand-back) and `at: now`. The lease is cleared, so the old owner's
 * settle misses its guard.
 */
export interface ReclaimParams {
  /** Limits the sweep to one queue; all queues when absent. */
  queue?: string;
  now: number;
  /** The error recorded on each reclaimed job. */
  error: Omit<JobErrorInfo, 'attempt' | 'at'>;
}

/** Moves a `failed` or `cancelled` job back to `queued`, attempts and stalls reset. */
export interface RetryParams extends JobRef {
  now: number;
  runAt?: number;
}

/** Changes a queued job's priority; its place among ready jobs follows at once. */
export interface ChangePriorityParams extends JobRef {
  priority: number;
}

/** Makes a scheduled job ready now. */
export interface PromoteParams extends JobRef {
  now: number;
}

/**
 * Removes jobs of one queue in the given states (never `running`). With `olderThan`, only jobs
 * finished (final states) or created (queued) before it.
 */
export interface RemoveParams {
  queue: string;
  states: Array<Exclude<JobState, 'running'>>;
  olderThan?: number | undefined;
  /**
   * When given, the ETA samples of the completed and failed jobs removed (those that ever started)
   * are kept first in the queue's sample store, which keeps the newest `sampleLimit` (see
   * `PruneFinishedParams`), so a clean does not leave ETAs without history.
   */
  sampleLimit?: number | undefined;
  /** Removes at most this many (a positive integer) in this one atomic call; core repeats the call until fewer come back. */
  limit: number;
}

/** The fields of a record that only mean something inside the storage that wrote them. */
export type StorageLocalField = 'queue' | 'seq' | 'leaseToken' | 'leaseExpiresAt' | 'workerId';

/**
 * A whole job as an export carries it and an import writes it: every `JobRecord` field but the
 * storage-local ones (its queue is the call's; the storage assigns a new `seq`). Never `running`:
 * core turns a running job into a waiting (or cancelled) one before it leaves its storage. A field
 * a storage does not know is ignored by it.
 */
export type TransferJob = Omit<JobRecord, StorageLocalField> & { state: Exclude<JobState, 'running'> };

/**
 * What an import does with a job whose id is stored (or whose idempotency key names a stored job
 * of the queue): `fail` throws `ImportConflictError` and writes nothing of the call, `skip` keeps
 * the stored job, `replace` removes it and writes the imported one (a running job is never
 * replaced: `ImportConflictError` with reason `running`).
 */
export type ImportConflictMode = 'fail' | 'skip' | 'replace';

/**
 * Writes whole jobs into one queue, all or none, in the order given: each gets a new `seq` larger
 * than every stored job's, in that order, so claim order and positions follow the order given.
 * The queue is created with the defaults when missing. Unlike `enqueue` it ignores `maxSize`,
 * `draining` and `paused` (it restores, it does not add) and writes every field as given, state
 * and timestamps included, so a finished job keeps counting in statistics and ETA samples.
 * Conflicts are by id (across every queue where the storage keeps ids unique across queues; Redis
 * checks the target queue only) and by idempotency key within the queue, earlier jobs of the same
 * call included. The storage publishes nothing (core's `importJobs` wakes workers through the notifier).
 */
export interface ImportJobsParams {
  /** The queue every job of the call is written to. */
  queue: string;
  /** Whole jobs, in the order their new seqs follow. */
  jobs: TransferJob[];
  /** What a conflict with a stored job does; see {@link ImportConflictMode}. */
  onConflict: ImportConflictMode;
  /** Core's clock: a queued job with `runAt <= now` is ready, a later one scheduled. */
  now: number;
}

/** What one import call wrote. */
export interface ImportJobsResult {
  /** Jobs written, replacements included. */
  imported: number;
  /** Jobs left out because a stored job was kept (`skip`). */
  skipped: number;
  /** Jobs written in place of a stored job (`replace`). */
  replaced: number;
}

/** Registers a worker or refreshes its heartbeat. */
export interface RegisterWorkerParams {
  id: string;
  queue: string;
  host: string;
  pid: number;
  concurrency: number;
  now: number;
}
