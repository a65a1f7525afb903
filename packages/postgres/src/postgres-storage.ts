/**
 * `PostgresStorage`: Waitline on PostgreSQL, for many workers on many hosts. This file wires the
 * seam to the operation modules, named as in every adapter (enqueue, claim, settle, lease,
 * control, reads, workers, notify, migrate, housekeeping, schedules, transfer; see
 * docs/design/adapter-modules.md); the SQL lives in `sql/`, each statement and function with a
 * header stating what it guarantees.
 * @module
 */
import type {
  ImportJobsParams,
  ImportJobsResult,
  CancelParams,
  Clock,
  ChangePriorityParams,
  ClaimParams,
  DueSchedulesParams,
  EnqueueParams,
  FireScheduleParams,
  FireScheduleResult,
  EnqueueResult,
  GroupSettingsRecord,
  GroupsPage,
  HousekeepingLease,
  HousekeepingLeaseParams,
  JobRecord,
  LeaseState,
  ListGroupsParams,
  ListParams,
  ListWaitingParams,
  Notifier,
  NoticeHub,
  Page,
  PositionInputs,
  JobRef,
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
  SetRetentionParams,
  SetGroupParams,
  SettleParams,
  SettleResult,
  StatsParams,
  Storage,
  StorageCapabilities,
  StorageDescriptor,
  UpsertQueueParams,
  UpsertScheduleParams,
} from '@waitline/core';
import { StorageGuard, ValidationError } from '@waitline/core';
import type pg from 'pg';
import { clientConfig, createPool, type PostgresStorageOptions, type ResolvedOptions, resolveOptions } from './connection.js';
import { PgContext } from './context.js';
import { DatabaseClock } from './db-clock.js';
import { claim } from './claim.js';
import * as control from './control.js';
import { retryJob } from './retry.js';
import { enqueue } from './enqueue.js';
import { storageName, toStorageError } from './errors.js';
import * as housekeeping from './housekeeping.js';
import * as lease from './lease.js';
import { ensureSchema, migrateSchema } from './migrate.js';
import { pgNotifier } from './notify.js';
import * as reads from './reads.js';
import * as schedules from './schedules.js';
import { settle } from './settle.js';
import { importWholeJobs } from './transfer.js';
import * as workers from './workers.js';

const EXPORT_NAME = 'PostgresStorage';

/**
 * The transaction `PostgresStorage.enqueue` joins: a `pg` client (a `PoolClient` or `Client`) on
 * which you ran `BEGIN`. The jobs are written in it, so they commit or roll back with your rows.
 */
export type PostgresTx = pg.ClientBase;

/** A caller's transaction client, as `enqueue`'s `tx` may carry it: anything with pg's `query`. */
function asClient(tx: unknown): PostgresTx {
  if (typeof tx === 'object' && tx !== null && typeof (tx as { query?: unknown }).query === 'function') {
    return tx as pg.ClientBase;
  }
  const message = 'tx must be a pg client (a PoolClient or Client) inside a transaction you began';
  throw new ValidationError(message, [{ path: ['options', 'tx'], message }]);
}

/**
 * A Waitline `Storage` on PostgreSQL (`pg`). Every process and host opening the same database and
 * schema shares one queue: claims lease rows with `FOR UPDATE SKIP LOCKED`, a queue's global
 * concurrency is counted under a lock on its row, and adds, claims and settle-and-claim are one
 * round trip each. Idle workers wake through LISTEN/NOTIFY, a cancel reaches the worker that owns
 * the job in any process, and `QueueEvents` hear every process. `queue.add(payload, { tx })`
 * writes inside your own transaction.
 */
export class PostgresStorage implements Storage<PostgresTx> {
  /**
   * Cross-process events, enqueue inside a caller's transaction, reopenable, groups that take
   * turns (with weights, `groupConcurrency`, `groupMaxWaiting` and `groupRateLimit`).
   */
  readonly capabilities: StorageCapabilities = Object.freeze({
    crossProcessEvents: true,
    transactionalEnqueue: true,
    reopenable: true,
    groups: true,
  });
  /** LISTEN/NOTIFY wake-ups and cancels, journaled events (see the package README). */
  readonly notifier: Notifier;
  /**
   * The database server's clock (local time plus an offset measured at open and every minute):
   * queues and workers on every host stamp `runAt` and leases from it, so their clocks need not
   * agree. Pass your own `clock` to a `Queue` to override it.
   */
  readonly clock: Clock;
  private readonly dbClock: DatabaseClock;
  private readonly pgNotifier: NoticeHub;

  private readonly ctx: PgContext;
  private readonly guard: StorageGuard;

  private constructor(
    private readonly options: ResolvedOptions,
    pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {
    this.ctx = new PgContext(pool, options.schema, options.settleCommit);
    this.guard = new StorageGuard({ kind: 'postgres', name: storageName(options.schema), classify: (err) => toStorageError(err, options.schema) });
    this.dbClock = new DatabaseClock(pool);
    this.clock = this.dbClock;
    this.pgNotifier = pgNotifier(this.ctx, { ...clientConfig(options), application_name: `${options.applicationName}:listen` });
    this.notifier = this.pgNotifier;
  }

  /**
   * Connects, then checks the schema: missing or older is migrated (default) or, with
   * `migrate: false`, refused with `SchemaVersionError`; newer is always refused. Options are
   * checked first (`ValidationError` with the option's path); an unreachable server is a
   * `StorageUnavailableError`.
   */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const resolved = resolveOptions(options);
    const ownsPool = options.pool === undefined;
    const pool = options.pool ?? createPool(resolved);
    const storage = new PostgresStorage(resolved, pool, ownsPool);
    try {
      await storage.dbClock.start().catch((err: unknown) => {
        throw toStorageError(err, resolved.schema);
      });
      await ensureSchema(storage.ctx, resolved.migrate);
    } catch (err) {
      await storage.close();
      throw err;
    }
    return storage;
  }

  /** Reopens a storage from {@link describe}'s options (a worker thread or child process). */
  static fromDescriptor(options: PostgresStorageOptions): Promise<PostgresStorage> {
    return PostgresStorage.open(options);
  }

  /**
   * Plain data that reopens a storage on the same database and schema (with its own small pool
   * and `migrate: false`), without connecting: for the descriptor of a schema not created yet.
   */
  static descriptor(options: PostgresStorageOptions): StorageDescriptor {
    const o = resolveOptions(options);
    return {
      moduleUrl: import.meta.url,
      exportName: EXPORT_NAME,
      options: { connection: o.connection, schema: o.schema, poolSize: 2, migrate: false, applicationName: o.applicationName, settleCommit: o.settleCommit },
    };
  }

  /** See {@link PostgresStorage.descriptor}. */
  describe(): StorageDescriptor {
    const { connection, schema, applicationName, settleCommit } = this.options;
    return PostgresStorage.descriptor({ connection, schema, applicationName, settleCommit });
  }

  /** Applies pending migrations under an advisory lock; safe twice and from many processes at once. */
  migrate(): Promise<void> {
    return this.guard.run('migrate', () => migrateSchema(this.ctx));
  }

  /** Ends the LISTEN connection and the pool it created (never a pool you gave); idempotent. */
  async close(): Promise<void> {
    if (!this.guard.close()) return;
    this.dbClock.stop();
    await this.pgNotifier.close();
    if (this.ownsPool) await this.ctx.pool.end().catch(() => {});
  }

  /** Creates the queue or writes the given fields, in one statement. */
  upsertQueue(p: UpsertQueueParams): Promise<QueueConfig> {
    return this.guard.run('upsertQueue', () => control.upsertQueue(this.ctx, p));
  }

  /** The stored configuration, or null for a queue never configured nor added to. */
  getQueue(name: string): Promise<QueueConfig | null> {
    return this.guard.run('getQueue', () => reads.getQueue(this.ctx, name));
  }

  /** Every queue ever configured or added to, sorted by name, in one statement. */
  listQueues(): Promise<QueueConfig[]> {
    return this.guard.run('listQueues', () => reads.listQueues(this.ctx));
  }

  /**
   * Writes every job or none, in one statement; with `p.tx` (a pg client inside your transaction)
   * the jobs are written in that transaction: invisible to workers until it commits, gone if it
   * rolls back. `QueueDrainingError` when the queue is draining, `QueueFullError` when `maxSize`
   * would be passed, `GroupFullError` when a group's `groupMaxWaiting` would be (nothing written;
   * your transaction stays usable in every case).
   */
  enqueue(p: EnqueueParams<PostgresTx>): Promise<EnqueueResult> {
    return this.guard.run('enqueue', () => enqueue(this.ctx, p, p.tx === undefined ? undefined : asClient(p.tx)));
  }

  /**
   * Leases ready jobs by the ordering rule (a grouped queue: groups in turns, a group at its
   * `groupConcurrency` or out of `groupRateLimit` tokens passed over), within pause, global
   * concurrency and the rate limit; one statement.
   */
  claim(p: ClaimParams): Promise<JobRecord[]> {
    return this.guard.run('claim', () => claim(this.ctx, p));
  }

  /** Settles, then claims, in one transaction and one round trip. */
  settle(p: SettleParams): Promise<SettleResult> {
    return this.guard.run('settle', () => settle(this.ctx, p));
  }

  /** Extends held leases in one statement and reports cancel requests. */
  renewLeases(p: RenewLeasesParams): Promise<LeaseState[]> {
    return this.guard.run('renewLeases', () => lease.renewLeases(this.ctx, p));
  }

  /** Writes progress while the lease is held; `LeaseLostError` otherwise. */
  reportProgress(p: ProgressParams): Promise<JobRecord> {
    return this.guard.run('reportProgress', () => lease.reportProgress(this.ctx, p));
  }

  /** Cancels (see the seam); a running job's worker hears it through NOTIFY at commit. */
  cancel(p: CancelParams): Promise<JobRecord> {
    return this.guard.run('cancel', () => control.cancelJob(this.ctx, p));
  }

  /** Moves jobs whose lease expired; one statement, skipping rows being settled right now. */
  reclaimExpired(p: ReclaimParams): Promise<JobRecord[]> {
    return this.guard.run('reclaimExpired', () => lease.reclaimExpired(this.ctx, p));
  }

  /** The stored job of `p.queue`, or null (also for another queue's job). */
  getJob(p: JobRef): Promise<JobRecord | null> {
    return this.guard.run('getJob', () => reads.getJob(this.ctx, p));
  }

  /** 1-based position among ready jobs: two index-only counts on jobs_queued. */
  getPosition(p: JobRef & { now: number }): Promise<number | null> {
    return this.guard.run('getPosition', () => reads.readPosition(this.ctx, p));
  }

  /** Position and ETA inputs from one snapshot. */
  getPositionInputs(p: PositionParams): Promise<PositionInputs | null> {
    return this.guard.run('getPositionInputs', () => reads.readPositionInputs(this.ctx, p));
  }

  /** Statistics from one snapshot. */
  getStats(p: StatsParams): Promise<RawQueueStats> {
    return this.guard.run('getStats', () => reads.readStats(this.ctx, p));
  }

  /** One page of a queue's jobs by seq. */
  listJobs(p: ListParams): Promise<Page<JobRecord>> {
    return this.guard.run('listJobs', () => reads.listJobs(this.ctx, p));
  }

  /** A page of the queue's ungrouped queued jobs in claim order, from one snapshot. */
  listWaiting(p: ListWaitingParams): Promise<JobRecord[]> {
    return this.guard.run('listWaiting', () => reads.listWaiting(this.ctx, p));
  }

  /**
   * Stores a named group's weight for the queue (null removes it: weight 1), creating a missing
   * queue; it applies from the group's next claim and to every position read after it returns.
   */
  setGroup(p: SetGroupParams): Promise<void> {
    return this.guard.run('setGroup', () => control.setGroup(this.ctx, p));
  }

  /** Every group of the queue with stored settings, by name in code-unit order, in one statement. */
  listGroupSettings(p: { queue: string }): Promise<GroupSettingsRecord[]> {
    return this.guard.run('listGroupSettings', () => reads.listGroupSettings(this.ctx, p.queue));
  }

  /**
   * One page of the queue's named groups by name in code-point order, each with its ready,
   * scheduled and running jobs and its weight, in one statement walking `jobs_group_names`.
   */
  listGroups(p: ListGroupsParams): Promise<GroupsPage> {
    return this.guard.run('listGroups', () => reads.listGroups(this.ctx, p));
  }

  /** Failed or cancelled back to queued; wakes idle workers at commit. */
  retry(p: RetryParams): Promise<JobRecord> {
    return this.guard.run('retry', () => retryJob(this.ctx, p));
  }

  /** A queued job's new priority. */
  changePriority(p: ChangePriorityParams): Promise<JobRecord> {
    return this.guard.run('changePriority', () => control.changePriority(this.ctx, p));
  }

  /** A scheduled job ready now; wakes idle workers at commit. */
  promote(p: PromoteParams): Promise<JobRecord> {
    return this.guard.run('promote', () => control.promoteJob(this.ctx, p));
  }

  /** Removes jobs in chunks of 1,000 rows per statement. */
  removeJobs(p: RemoveParams): Promise<number> {
    return this.guard.run('removeJobs', () => control.removeJobs(this.ctx, p));
  }

  /** Stores the queue's retention policy, in one statement. */
  setRetention(p: SetRetentionParams): Promise<void> {
    return this.guard.run('setRetention', () => housekeeping.setRetention(this.ctx, p));
  }

  /** The queue's stored retention policy, or null: one primary-key read. */
  getRetention(queue: string): Promise<RetentionPolicy | null> {
    return this.guard.run('getRetention', () => housekeeping.getRetention(this.ctx, queue));
  }

  /** Takes or renews the housekeeping lease: one compare-and-set statement. */
  takeHousekeepingLease(p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
    return this.guard.run('takeHousekeepingLease', () => housekeeping.takeHousekeepingLease(this.ctx, p));
  }

  /** Deletes one prune batch and keeps its ETA samples, in one transaction. */
  pruneFinished(p: PruneFinishedParams): Promise<number> {
    return this.guard.run('pruneFinished', () => housekeeping.pruneFinished(this.ctx, p));
  }

  /** Inserts the worker or refreshes it. */
  registerWorker(p: RegisterWorkerParams): Promise<void> {
    return this.guard.run('registerWorker', () => workers.registerWorker(this.ctx, p));
  }

  /** Removes the worker; an unknown id is fine. */
  deregisterWorker(p: { id: string }): Promise<void> {
    return this.guard.run('deregisterWorker', () => workers.deregisterWorker(this.ctx, p.id));
  }

  /**
   * Writes whole jobs (an import or a move) in one transaction, all or none; ids are unique across
   * queues, so a conflict by id is found in any queue. Sends no NOTIFY (core's `importJobs` wakes workers).
   */
  importJobs(p: ImportJobsParams): Promise<ImportJobsResult> {
    return this.guard.run('importJobs', () => importWholeJobs(this.ctx, p));
  }
  /** Creates the queue when missing and upserts the schedule, in one statement. */
  upsertSchedule(p: UpsertScheduleParams): Promise<ScheduleRecord> {
    return this.guard.run('upsertSchedule', () => schedules.upsertSchedule(this.ctx, p));
  }

  /** Deletes a schedule in one statement; true when it existed. */
  removeSchedule(p: ScheduleRef): Promise<boolean> {
    return this.guard.run('removeSchedule', () => schedules.removeSchedule(this.ctx, p));
  }

  /** The queue's schedules by key (code-unit order), in one statement. */
  listSchedules(p: { queue: string }): Promise<ScheduleRecord[]> {
    return this.guard.run('listSchedules', () => schedules.listSchedules(this.ctx, p.queue));
  }

  /** The queue's schedules due by `until`, by next tick, through the schedules_due index. */
  dueSchedules(p: DueSchedulesParams): Promise<ScheduleRecord[]> {
    return this.guard.run('dueSchedules', () => schedules.dueSchedules(this.ctx, p));
  }

  /**
   * The tick's compare-and-set on `next_run_at` and its enqueue in one transaction: a racing
   * transaction waits on the row lock, then finds the value changed and writes nothing.
   */
  fireSchedule(p: FireScheduleParams): Promise<FireScheduleResult> {
    return this.guard.run('fireSchedule', () => schedules.fireSchedule(this.ctx, p));
  }
}
