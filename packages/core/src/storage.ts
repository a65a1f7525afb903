/**
 * The Storage seam: the only thing an adapter package implements, published for storage authors as
 * `@waitline/core/storage` (types and `DEFAULT_MAX_STALLS`; the error classes a storage throws, and
 * `MemoryStorage` as a reference, come from `@waitline/core`).
 *
 * **Stability.** Before 1.0 the seam may change in a minor release of `@waitline/core`, never in
 * a patch, and each change comes with a changeset saying what a storage must now do. The contract
 * suite (`packages/storage-contract` in the repository) is the seam's definition: a storage that
 * passes the suite of a core version works with that version.
 *
 * - Calls are named after lifecycle transitions (see `state.ts`); there is no generic update.
 *   {@link StorageTransitions} write, {@link StorageReads} only read, {@link StorageRegistry}
 *   keeps queue configs and workers, {@link StorageSchedules} keeps schedules and guards their
 *   ticks, {@link StorageHousekeeping} prunes, {@link Storage} adds the lifecycle. The reads,
 *   the schedules and housekeeping are declared next to their params (`storage-reads.ts`,
 *   `schedule-params.ts`, `housekeeping-params.ts`); this module re-exports every part.
 * - Every call takes one params object (see `storage-params.ts`) and every time-dependent call
 *   takes `now` from core's clock, so the contract suite controls time.
 * - Every call is atomic. Policy (backoff, ETA, validation, events) lives in core; a storage only
 *   persists, orders and guards, and throws core's error classes.
 * - A storage runs each call through core's `StorageGuard` (`@waitline/core`): it refuses calls
 *   once closed, classifies driver errors with the storage's classifier, and reports each call to
 *   `observeStorageCalls` observers (metrics).
 * - Every by-id call names the job's queue ({@link JobRef}): a job of another queue is treated
 *   exactly as an unknown id, and nothing of it is read or written.
 *
 * **A guard miss** (the lease token no longer matches, or the job is not in the state or queue the
 * call needs) writes nothing and is reported one way per kind of call:
 * - a batch call reports each miss in its result and never throws for one: `settle` lists it in
 *   `lost`, `renewLeases` answers `held: false`, so one lost job never fails the others;
 * - a single-job call on a lease throws `LeaseLostError` (`reportProgress`);
 * - a single-job call by id throws `JobNotFoundError` (unknown id, another queue's job) or
 *   `InvalidTransitionError` (a state the move does not start from);
 * - a read answers null.
 * @module
 */
import type { BackoffSpec, JobErrorInfo, JobProgress, JobRecord } from './job-record.js';
import type { Clock } from './clock.js';
import type {
  CancelParams,
  ChangePriorityParams,
  ClaimParams,
  EnqueueParams,
  EnqueueResult,
  GroupSettingsRecord,
  ImportJobsParams,
  ImportJobsResult,
  LeaseState,
  ProgressParams,
  PromoteParams,
  QueueConfig,
  ReclaimParams,
  RegisterWorkerParams,
  RemoveParams,
  RenewLeasesParams,
  RetryParams,
  SetGroupParams,
  SettleParams,
  SettleResult,
  UpsertQueueParams,
} from './storage-params.js';
import type { Notifier, StorageDescriptor } from './storage-notify.js';
import type { GroupsPage, ListGroupsParams, StorageReads } from './storage-reads.js';
import type { StorageSchedules } from './schedule-params.js';
import type { StorageHousekeeping } from './housekeeping-params.js';

export { DEFAULT_MAX_STALLS } from './storage-params.js';
export type * from './storage-params.js';
export type * from './schedule-params.js';
export type * from './housekeeping-params.js';
export type { Notifier, StorageDescriptor, StorageNotice } from './storage-notify.js';
export type {
  AheadWork,
  DueAhead,
  FinishedSample,
  GroupCounts,
  GroupsPage,
  GroupStanding,
  ListGroupsParams,
  ListParams,
  ListWaitingParams,
  Page,
  PositionInputs,
  PositionParams,
  RawQueueStats,
  RunningSample,
  StatsParams,
  StorageReads,
  WorkerInfo,
} from './storage-reads.js';

/** What a storage can do beyond the required contract; core and the contract suite branch on it. */
export interface StorageCapabilities {
  /** Events published on one process's notifier reach subscribers in other processes. */
  crossProcessEvents: boolean;
  /** `enqueue` can join a caller's own database transaction. */
  transactionalEnqueue: boolean;
  /**
   * `describe()` reopens the same data from another thread or process (false for an in-memory
   * database). Workers renew leases from a heartbeat thread only when it is true.
   */
  reopenable: boolean;
  /**
   * Most finished jobs one `pruneFinished` call should delete, for a storage where one batch holds
   * everyone else up (a Redis script blocks the server while it runs); the retention pass's
   * default (1,000) when absent. A `batch` given to `applyRetention` still wins.
   */
  pruneBatch?: number | undefined;
  /**
   * Jobs may carry a `group`, and claims and positions take a grouped queue's groups in turns
   * (see `group-rotation.ts`). Without it core refuses the `group` option with a `ValidationError`.
   */
  groups?: boolean | undefined;
}

/**
 * The writes that move jobs through their lifecycle. Every move out of `running` is guarded by the
 * lease token in the same statement or script; a miss writes nothing (see the module doc).
 * `Tx` is the type of a caller's transaction that `enqueue` can join.
 */
export interface StorageTransitions<Tx = unknown> {
  /**
   * Writes every job or none, each `queued` (ready or scheduled by `runAt`) with the next `seq`.
   * A job whose idempotency key names a stored job of the queue is not written; the stored one is
   * returned. Throws `QueueDrainingError` (draining), `QueueFullError` (past `maxSize`) or
   * `GroupFullError` (a group past `groupMaxWaiting`), each checked atomically with the write;
   * refuses an id already stored (nothing written). Creates a
   * missing queue with the defaults. Ignores `paused` and `concurrency` (they bound claims).
   */
  enqueue(p: EnqueueParams<Tx>): Promise<EnqueueResult>;
  /**
   * Leases up to `limit` ready jobs of the queue by the ordering rule (priority, then `runAt`, then
   * `seq`), making them `running` with a fresh token and `attempt` one higher. Never exceeds the
   * queue's `concurrency` across every worker, nor a named group's `groupConcurrency` (a capped
   * group is skipped and keeps its turn); hands out nothing while paused. Ignores `draining`,
   * `maxSize` and `groupMaxWaiting` (they bound adds).
   */
  claim(p: ClaimParams): Promise<JobRecord[]>;
  /**
   * Completes, fails, acknowledges cancels and releases the given jobs, then optionally claims, in
   * one atomic step; a cancel request turns a failure or release into `cancelled`. A guard miss is
   * listed in `lost`, never thrown; an item that is not a job of `p.queue` misses too. Ignores a
   * cancel request on a completed item (it ends `completed`).
   */
  settle(p: SettleParams): Promise<SettleResult>;
  /**
   * Extends held leases to `now + leaseMs` and reports cancel requests. With `leases`, one state per
   * lease given (a lease not held is `held: false` and not renewed); without, one state per job
   * running under `workerId` (in `queue` when given). Never throws for a miss.
   */
  renewLeases(p: RenewLeasesParams): Promise<LeaseState[]>;
  /**
   * Writes progress stamped `updatedAt = now` on a running job of `p.queue` whose lease is held;
   * otherwise throws `LeaseLostError` and writes nothing. Ignores the cancel request (it reports
   * progress on a job being cancelled).
   */
  reportProgress(p: ProgressParams): Promise<JobRecord>;
  /**
   * Ends a queued job `cancelled` at once; sets `cancelRequested` on a running one (its worker ends
   * it). A cancelled job is returned as is. Throws `JobNotFoundError` (unknown id, another queue's
   * job) or `InvalidTransitionError` (`completed`, `failed`).
   */
  cancel(p: CancelParams): Promise<JobRecord>;
  /**
   * Moves every running job whose lease expired before `now` out of `running`, per job as
   * {@link ReclaimParams} says, and returns the moved jobs in their new state. Ignores leases that
   * are still valid, whoever holds them.
   */
  reclaimExpired(p: ReclaimParams): Promise<JobRecord[]>;
  /**
   * Moves a `failed` or `cancelled` job back to `queued` at `runAt ?? now`, `attempt` and `stalls`
   * reset to 0. Throws `JobNotFoundError` (unknown, another queue's) or `InvalidTransitionError`;
   * then, checked in the same atomic step as the write, as an add of the job would be refused:
   * `QueueDrainingError`, `QueueFullError` (`maxSize` counts the job) or `GroupFullError`
   * (`groupMaxWaiting`), each with nothing written.
   */
  retry(p: RetryParams): Promise<JobRecord>;
  /**
   * Sets a queued job's priority; its place among ready jobs follows at once. Throws
   * `JobNotFoundError` (unknown, another queue's) or `InvalidTransitionError` unless `queued`.
   */
  changePriority(p: ChangePriorityParams): Promise<JobRecord>;
  /**
   * Makes a scheduled job ready (`runAt = now`); a ready job is returned unchanged. Throws as
   * `changePriority` does.
   */
  promote(p: PromoteParams): Promise<JobRecord>;
  /**
   * Removes at most `p.limit` of the queue's jobs in `p.states` (finished or created before
   * `olderThan` when given), in one atomic step, and returns how many; core repeats it until
   * fewer than `p.limit` come back (`removeJobsInBatches`). Throws `ValidationError` (path
   * `['states']`, nothing removed) when `p.states` holds `running` (`checkRemovableStates`).
   */
  removeJobs(p: RemoveParams): Promise<number>;
  /**
   * Writes whole jobs (an import or a move), all or none; see {@link ImportJobsParams}. Throws
   * `ImportConflictError` (nothing written) on a conflict with `onConflict: 'fail'` or a running
   * job met by `'replace'`. Ignores `maxSize`, `draining` and `paused`; publishes nothing.
   */
  importJobs(p: ImportJobsParams): Promise<ImportJobsResult>;
}

/** Queue configuration and worker registrations: writes that move no job. */
export interface StorageRegistry {
  /**
   * Creates the queue when missing and writes only the fields given; returns the stored config.
   * Setting `draining` waits out adds already past their check (see {@link UpsertQueueParams}).
   */
  upsertQueue(p: UpsertQueueParams): Promise<QueueConfig>;
  /** Inserts the worker or refreshes it (`lastSeenAt = now`, `startedAt` kept). */
  registerWorker(p: RegisterWorkerParams): Promise<void>;
  /** Removes the worker; an unknown id is fine. Its running jobs keep their leases until they expire. */
  deregisterWorker(p: { id: string }): Promise<void>;
  /**
   * Stores a named group's settings, or removes them with null (required with the `groups`
   * capability). A new weight applies from the group's next claim at every level, and positions
   * read it at once: claims and positions read the same weights, so they stay in step. A round
   * already past a lowered weight ends at the group's next claim (see `group-rotation.ts`).
   */
  setGroup?(p: SetGroupParams): Promise<void>;
  /**
   * Every group of the queue with stored settings, sorted by name in code-unit order (required
   * with the `groups` capability): what an export carries.
   */
  listGroupSettings?(p: { queue: string }): Promise<GroupSettingsRecord[]>;
  /**
   * The queue's named groups that hold a queued or running job or stored settings (never the
   * ungrouped jobs), sorted by name in code-point order (UTF-8 byte order, what an index on the
   * name gives), with their counts; a page of at most `limit` after `after`. Counts and page come
   * from one snapshot. Required with the `groups` capability: the admin API's and the
   * dashboard's view of the tenants.
   */
  listGroups?(p: ListGroupsParams): Promise<GroupsPage>;
}

/**
 * A persistence backend: the transitions, the reads, the registry, the schedules and housekeeping, plus its lifecycle. `Tx` is
 * the caller's transaction type `enqueue` joins (`unknown` unless the storage names one).
 */
export interface Storage<Tx = unknown> extends StorageTransitions<Tx>, StorageReads, StorageRegistry, StorageSchedules, StorageHousekeeping {
  /** What the storage can do beyond the required contract. */
  readonly capabilities: StorageCapabilities;
  /** Optional wake-up and event channel; core polls without it. */
  readonly notifier?: Notifier;
  /**
   * Optional clock every host using this storage agrees on (e.g. the database server's, read
   * through a measured offset). `Queue` uses it when given no clock of its own, and a worker's
   * heartbeat thread uses its reopened storage's, so `runAt`, leases and their expiry compare
   * times from one source even when hosts' clocks disagree. Never decreasing within a process.
   */
  readonly clock?: Clock;
  /** Plain data to reopen this storage elsewhere (heartbeat thread, child process). */
  describe(): StorageDescriptor;
  /** Brings the schema to the code's version; running it twice, or from two processes at once, is safe. */
  migrate(): Promise<void>;
  /** Releases connections; further calls fail with `StorageUnavailableError`. Idempotent. */
  close(): Promise<void>;
}

export type { BackoffSpec, JobErrorInfo, JobProgress };
