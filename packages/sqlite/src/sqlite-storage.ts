/**
 * `SqliteStorage`: the embedded Waitline storage on one SQLite file, safe for many processes.
 * This file wires the seam to the operation modules, named as in every adapter (enqueue, claim,
 * settle, lease, control, reads, workers, notify, migrate, housekeeping, schedules, transfer; see
 * docs/design/adapter-modules.md); the SQL lives in `sql/`, each statement with a header stating
 * what it guarantees.
 * @module
 */
import type {
  CancelParams,
  ChangePriorityParams,
  ClaimParams,
  DueSchedulesParams,
  FireScheduleParams,
  FireScheduleResult,
  EnqueueParams,
  GroupSettingsRecord,
  GroupsPage,
  EnqueueResult,
  HousekeepingLease,
  HousekeepingLeaseParams,
  ImportJobsParams,
  ImportJobsResult,
  JobRecord,
  JobRef,
  LeaseState,
  ListGroupsParams,
  ListParams,
  ListWaitingParams,
  Notifier,
  Page,
  PositionInputs,
  PositionParams,
  ProgressParams,
  PromoteParams,
  PruneFinishedParams,
  QueueConfig,
  RawQueueStats,
  ReclaimParams,
  RegisterWorkerParams,
  RemoveParams,
  RenewLeasesParams,
  RetryParams,
  ScheduleRecord,
  ScheduleRef,
  RetentionPolicy,
  SetGroupParams,
  SetRetentionParams,
  SettleParams,
  SettleResult,
  StatsParams,
  Storage,
  StorageCapabilities,
  StorageDescriptor,
  UpsertQueueParams,
  UpsertScheduleParams,
} from '@waitline/core';
import { checkRemovableStates, StorageGuard } from '@waitline/core';
import { openConnection, type ResolvedOptions, resolveOptions, type SqliteStorageOptions } from './connection.js';
import { type Db, SqliteContext } from './context.js';
import { addOneJob } from './enqueue.js';
import { storageName, toStorageError } from './errors.js';
import { listGroupSettings, listGroups } from './group-settings.js';
import { getRetention, setRetention } from './housekeeping.js';
import { reportProgress } from './lease.js';
import { ensureSchema, migrateDatabase } from './migrate.js';
import { acquireNotifier, type NotifierLease } from './notify.js';
import { getJob, getQueue, listJobs, listQueues, readPosition } from './reads.js';
import { dueSchedules, listSchedules, removeSchedule } from './schedules.js';
import { buildTransactions } from './transactions.js';
import { deregisterWorker, registerWorker } from './workers.js';

/** The export name a descriptor points at; `fromDescriptor` is its static reopen. */
const EXPORT_NAME = 'SqliteStorage';

/**
 * A Waitline `Storage` on one SQLite file (better-sqlite3). Many processes may open the same
 * file: every write transaction starts with `BEGIN IMMEDIATE`, so claims, adds and settles
 * serialise on SQLite's write lock and a job is never leased twice; readers never block (WAL). A
 * write that waits longer than `busyTimeoutMs` for the lock fails with `StorageUnavailableError`.
 *
 * Events reach other storages on the same file in this process only
 * at once; other processes see writes through a `data_version` watcher and, for `QueueEvents`,
 * through a journal written only while another process listens.
 */
export class SqliteStorage implements Storage {
  /** No cross-process notifier, no enqueue inside a caller's transaction; reopenable unless `:memory:`. */
  readonly capabilities: StorageCapabilities;
  /** Shared by every `SqliteStorage` open on the same file in this process (private for `:memory:`). */
  readonly notifier: Notifier;

  private readonly ctx: SqliteContext;
  private readonly tx: ReturnType<typeof buildTransactions>;
  private readonly guard: StorageGuard;

  private constructor(
    db: Db,
    private readonly options: ResolvedOptions,
    private readonly notifierLease: NotifierLease,
  ) {
    this.ctx = new SqliteContext(db, options.path);
    this.guard = new StorageGuard({ kind: 'sqlite', name: storageName(options.path), classify: (err) => toStorageError(err, options.path) });
    this.tx = buildTransactions(this.ctx);
    this.notifier = notifierLease.notifier;
    this.capabilities = Object.freeze({
      crossProcessEvents: options.path !== ':memory:',
      transactionalEnqueue: false,
      reopenable: options.path !== ':memory:',
      groups: true,
    });
  }

  /**
   * Opens (creating when missing) the database at `options.path` with WAL, the busy timeout and
   * foreign keys on, or adopts your own `options.database` (switched to WAL, otherwise as you set
   * it, never closed by the storage); then checks its schema: a newer one throws
   * `SchemaVersionError`; an older one is migrated (default) or, with `migrate: false`, throws
   * `SchemaVersionError`.
   */
  static async open(options: SqliteStorageOptions): Promise<SqliteStorage> {
    const resolved = resolveOptions(options);
    let db: Db | undefined;
    try {
      db = openConnection(resolved);
      ensureSchema(db, resolved.path, resolved.migrate);
    } catch (err) {
      if (!resolved.database) db?.close();
      throw toStorageError(err, resolved.path);
    }
    return new SqliteStorage(db, resolved, acquireNotifier(resolved.shared ? resolved.path : null));
  }

  /** Reopens a storage from {@link describe}'s options (in a worker thread or child process): same as {@link open}. */
  static async fromDescriptor(options: SqliteStorageOptions): Promise<SqliteStorage> {
    return SqliteStorage.open(options);
  }

  /**
   * The descriptor `open(options)` would describe, without opening anything: plain data that
   * {@link fromDescriptor} turns back into a storage on the same file. It never migrates (the
   * opener did); a `:memory:` descriptor cannot reach the same data, and reopening it fails with
   * `SchemaVersionError`.
   */
  static descriptor(options: SqliteStorageOptions): StorageDescriptor {
    const { path, busyTimeoutMs, synchronous } = resolveOptions(options);
    return { moduleUrl: import.meta.url, exportName: EXPORT_NAME, options: { path, migrate: false, busyTimeoutMs, synchronous } };
  }

  /** Plain data to reopen this storage elsewhere: see {@link SqliteStorage.descriptor}. */
  describe(): StorageDescriptor {
    const { path, busyTimeoutMs, synchronous } = this.options;
    return SqliteStorage.descriptor({ path, busyTimeoutMs, synchronous });
  }

  /** Applies pending migrations under `BEGIN IMMEDIATE`; safe twice and from two processes at once. */
  async migrate(): Promise<void> {
    await this.guard.run('migrate', () => migrateDatabase(this.ctx.db, this.options.path));
  }

  /** Closes the connection (idempotent); later calls fail with `StorageUnavailableError`. */
  async close(): Promise<void> {
    if (!this.guard.close()) return;
    this.notifierLease.release();
    if (!this.options.database) this.ctx.db.close();
  }

  /** Creates the queue or updates only the given fields, in one transaction (removing the rate limit or the group rate limit clears its log of starts). */
  async upsertQueue(p: UpsertQueueParams): Promise<QueueConfig> {
    return this.guard.run('upsertQueue', () => this.tx.upsertQueue(p));
  }

  /**
   * Stores a named group's weight in the queue (null removes it: weight 1), creating a missing
   * queue, in one `BEGIN IMMEDIATE` transaction; the group's next claim and later positions read it.
   */
  async setGroup(p: SetGroupParams): Promise<void> {
    await this.guard.run('setGroup', () => this.tx.setGroup(p));
  }

  /** Every group of the queue with stored settings, by name in code-unit order ([] for an unknown queue). */
  async listGroupSettings(p: { queue: string }): Promise<GroupSettingsRecord[]> {
    return this.guard.run('listGroupSettings', () => listGroupSettings(this.ctx, p.queue));
  }

  /** A page of the queue's named groups with their counts and weights, by name (code points): one statement, one snapshot. */
  async listGroups(p: ListGroupsParams): Promise<GroupsPage> {
    return this.guard.run('listGroups', () => listGroups(this.ctx, p));
  }

  /** The stored configuration, or null for a queue never configured nor added to. */
  async getQueue(name: string): Promise<QueueConfig | null> {
    return this.guard.run('getQueue', () => getQueue(this.ctx, name));
  }

  /** Every queue ever configured or added to, sorted by name, in one statement. */
  async listQueues(): Promise<QueueConfig[]> {
    return this.guard.run('listQueues', () => listQueues(this.ctx));
  }

  /**
   * Writes every job or none; an idempotency key already used in the queue returns the stored job
   * (`inserted[i] = false`); throws `QueueDrainingError` when the queue is draining and
   * `QueueFullError` when the new jobs would pass `maxSize` (nothing written).
   * Creates a missing queue with the defaults. A single job into an existing queue with room (not draining) is
   * one autocommit statement (add-job.sql); anything else, or that statement writing nothing, is
   * one `BEGIN IMMEDIATE` transaction.
   */
  async enqueue(p: EnqueueParams): Promise<EnqueueResult> {
    return this.guard.run('enqueue', () => addOneJob(this.ctx, p) ?? this.tx.enqueue(p));
  }

  /** Leases ready jobs by the ordering rule under `BEGIN IMMEDIATE`, within pause and global concurrency. */
  async claim(p: ClaimParams): Promise<JobRecord[]> {
    return this.guard.run('claim', () => this.tx.claim(p));
  }

  /** Settles a batch (each item guarded by its lease token) and optionally claims, in one transaction. */
  async settle(p: SettleParams): Promise<SettleResult> {
    return this.guard.run('settle', () => this.tx.settle(p));
  }

  /** Extends each held lease and reports cancel requests; leases not held are reported, not revived. */
  async renewLeases(p: RenewLeasesParams): Promise<LeaseState[]> {
    return this.guard.run('renewLeases', () => this.tx.renewLeases(p));
  }

  /** Writes progress under the lease guard; throws `LeaseLostError` (nothing written) on a miss. */
  async reportProgress(p: ProgressParams): Promise<JobRecord> {
    return this.guard.run('reportProgress', () => reportProgress(this.ctx, p));
  }

  /** Queued: cancelled now; running: cancel requested; cancelled: as is; otherwise throws. */
  async cancel(p: CancelParams): Promise<JobRecord> {
    return this.guard.run('cancel', () => this.tx.cancel(p));
  }

  /** Moves every expired lease out of `running` in one transaction; returns the moved jobs. */
  async reclaimExpired(p: ReclaimParams): Promise<JobRecord[]> {
    return this.guard.run('reclaimExpired', () => this.tx.reclaimExpired(p));
  }

  /** One job of `p.queue` by id, or null (also for another queue's job). */
  async getJob(p: JobRef): Promise<JobRecord | null> {
    return this.guard.run('getJob', () => getJob(this.ctx, p));
  }

  /**
   * 1 + the ready jobs ahead by the ordering rule (index-only counts), or null unless queued and
   * ready; in a grouped queue, by the round-robin formula of core's `groupPosition` (bounded
   * counts, one read snapshot).
   */
  async getPosition(p: JobRef & { now: number }): Promise<number | null> {
    return this.guard.run('getPosition', () => {
      const position = readPosition(this.ctx, p);
      return position === 'grouped' ? this.tx.groupedPosition(p) : position;
    });
  }

  /**
   * The position and ETA inputs of a job from one read snapshot; null for an unknown id. `ahead` is
   * an exact index-only count; the work ahead groups only the first `aheadWorkLimit` jobs ahead;
   * `dueAhead` lists the first `dueAheadLimit` scheduled jobs at higher levels, by runAt then seq.
   */
  async getPositionInputs(p: PositionParams): Promise<PositionInputs | null> {
    return this.guard.run('getPositionInputs', () => this.tx.positionInputs(p));
  }

  /** Counts, throughput windows, recent finishes, live workers and config from one read snapshot. */
  async getStats(p: StatsParams): Promise<RawQueueStats> {
    return this.guard.run('getStats', () => this.tx.stats(p));
  }

  /** One page of a queue's jobs, by `seq` (newest first unless `order: 'asc'`). */
  async listJobs(p: ListParams): Promise<Page<JobRecord>> {
    return this.guard.run('listJobs', () => listJobs(this.ctx, p));
  }

  /** A page of the queue's ungrouped queued jobs in claim order, from one read snapshot. */
  async listWaiting(p: ListWaitingParams): Promise<JobRecord[]> {
    return this.guard.run('listWaiting', () => this.tx.waiting(p));
  }

  /** Failed or cancelled back to queued with attempts reset; throws otherwise. */
  async retry(p: RetryParams): Promise<JobRecord> {
    return this.guard.run('retry', () => this.tx.retry(p));
  }

  /** A queued job's new priority; throws `InvalidTransitionError` unless queued. */
  async changePriority(p: ChangePriorityParams): Promise<JobRecord> {
    return this.guard.run('changePriority', () => this.tx.changePriority(p));
  }

  /** A queued job ready now (`runAt = min(runAt, now)`); throws `InvalidTransitionError` unless queued. */
  async promote(p: PromoteParams): Promise<JobRecord> {
    return this.guard.run('promote', () => this.tx.promote(p));
  }

  /** Removes one batch (at most `p.limit`) of the selected jobs, never running ones, in one `BEGIN IMMEDIATE` transaction. */
  async removeJobs(p: RemoveParams): Promise<number> {
    checkRemovableStates(p);
    return this.guard.run('removeJobs', () => this.tx.removeJobsChunk(p));
  }

  /** Stores the queue's retention policy, in one statement. */
  async setRetention(p: SetRetentionParams): Promise<void> {
    await this.guard.run('setRetention', () => setRetention(this.ctx, p));
  }

  /** The queue's stored retention policy, or null: one primary-key read. */
  async getRetention(queue: string): Promise<RetentionPolicy | null> {
    return this.guard.run('getRetention', () => getRetention(this.ctx, queue));
  }

  /** Takes or renews the housekeeping lease: one compare-and-set statement under `BEGIN IMMEDIATE`. */
  async takeHousekeepingLease(p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
    return this.guard.run('takeHousekeepingLease', () => this.tx.takeHousekeepingLease(p));
  }

  /** Deletes one prune batch and keeps its ETA samples, in one `BEGIN IMMEDIATE` transaction. */
  async pruneFinished(p: PruneFinishedParams): Promise<number> {
    return this.guard.run('pruneFinished', () => this.tx.pruneFinished(p));
  }

  /** Registers a worker or refreshes its heartbeat, in one statement. */
  async registerWorker(p: RegisterWorkerParams): Promise<void> {
    await this.guard.run('registerWorker', () => registerWorker(this.ctx, p));
  }

  /** Forgets a worker; unknown ids are ignored. */
  async deregisterWorker(p: { id: string }): Promise<void> {
    await this.guard.run('deregisterWorker', () => deregisterWorker(this.ctx, p.id));
  }

  /**
   * Writes whole jobs (an import or a move) in one `BEGIN IMMEDIATE` transaction, all or none;
   * ids are unique across queues, so a conflict by id is found in any queue.
   */
  async importJobs(p: ImportJobsParams): Promise<ImportJobsResult> {
    return this.guard.run('importJobs', () => this.tx.importJobs(p));
  }

  /** Creates the queue row when missing and upserts the schedule, in one `BEGIN IMMEDIATE` transaction. */
  async upsertSchedule(p: UpsertScheduleParams): Promise<ScheduleRecord> {
    return this.guard.run('upsertSchedule', () => this.tx.upsertSchedule(p));
  }

  /** Deletes a schedule in one statement; true when it existed. */
  async removeSchedule(p: ScheduleRef): Promise<boolean> {
    return this.guard.run('removeSchedule', () => removeSchedule(this.ctx, p));
  }

  /** The queue's schedules by key, in one statement. */
  async listSchedules(p: { queue: string }): Promise<ScheduleRecord[]> {
    return this.guard.run('listSchedules', () => listSchedules(this.ctx, p.queue));
  }

  /** The queue's schedules due by `until`, by next tick, from the schedules_due index. */
  async dueSchedules(p: DueSchedulesParams): Promise<ScheduleRecord[]> {
    return this.guard.run('dueSchedules', () => dueSchedules(this.ctx, p));
  }

  /**
   * The tick's compare-and-set on `next_run_at` and its enqueue in one `BEGIN IMMEDIATE`
   * transaction: processes racing for a tick serialise on the write lock and exactly one wins.
   */
  async fireSchedule(p: FireScheduleParams): Promise<FireScheduleResult> {
    return this.guard.run('fireSchedule', () => this.tx.fireSchedule(p));
  }
}
