/**
 * `RedisStorage`: the Waitline storage on Redis (ioredis), for many workers on many hosts. This file
 * wires the seam to the operation modules, named as in every adapter (enqueue, claim, settle,
 * lease, control, reads, workers, notify, migrate, housekeeping, schedules, transfer; see
 * docs/design/adapter-modules.md); every transition is one Lua script in `lua/scripts`, each with
 * a header stating its keys, arguments, reply and guarantees.
 * @module
 */
import type {
  ImportJobsParams,
  ImportJobsResult,
  CancelParams,
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
  SetGroupParams,
  ScheduleRef,
  RetentionPolicy,
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
import { StorageGuard } from '@waitline/core';
import { checkDatabase, connect, describeConnection, type OpenedClient, type RedisStorageOptions, type ResolvedOptions, resolveOptions } from './connection.js';
import { claimJobs } from './claim.js';
import { RedisContext } from './context.js';
import { cancelJob, changePriority, promoteJob, removeJobs, retryJob, upsertQueue } from './control.js';
import { enqueueJobs } from './enqueue.js';
import { storageName, toStorageError } from './errors.js';
import { listGroups, listGroupSettings, setGroup } from './groups.js';
import * as housekeeping from './housekeeping.js';
import { KeySpace } from './keys.js';
import { reclaimExpired, renewLeases, reportProgress } from './lease.js';
import { ensureSchema } from './migrate.js';
import { redisNotifier } from './notify.js';
import { QueueNames } from './queue-names.js';
import { getJob, getPosition, getPositionInputs, getQueue, getStats, listJobs, listQueues, listWaiting } from './reads.js';
import { ResetWatch } from './reset-watch.js';
import * as schedules from './schedules.js';
import { checkServer } from './server-check.js';
import { settleJobs } from './settle.js';
import { importWholeJobs } from './transfer.js';
import { deregisterWorker, registerWorker } from './workers.js';

/** The export name a descriptor points at; `fromDescriptor` is its static reopen. */
const EXPORT_NAME = 'RedisStorage';

/**
 * A Waitline `Storage` on Redis. Every transition is one Lua script on one queue's keys, which
 * share the hash tag `{prefix:queue}` (one cluster slot): a claim counts running jobs against the
 * queue's concurrency and leases in the same script, every exit from `running` checks the lease
 * token inside its script, and a guard miss writes nothing. Times come from the caller (`now`),
 * never from the server clock. Notices and queue events reach every process over pub/sub.
 */
export class RedisStorage implements Storage {
  /**
   * Cross-process events over pub/sub; no enqueue inside a caller's transaction; reopenable.
   * Retention prunes 200 jobs per script: a script blocks the server while it runs, and 1,000
   * held it up to about 120 ms (claims of other clients waited as long).
   */
  readonly capabilities: StorageCapabilities = Object.freeze({
    crossProcessEvents: true,
    transactionalEnqueue: false,
    reopenable: true,
    pruneBatch: 200,
    groups: true,
  });
  /** Pub/sub notices, one channel per queue; its subscriber connection opens on first subscribe. */
  readonly notifier: Notifier;

  private readonly notices: NoticeHub;
  private readonly resets: ResetWatch;
  private readonly ctx: RedisContext;
  private readonly where: string;
  private readonly guard: StorageGuard;
  /** The owned client's last connection error since it was last ready, for error messages. */
  private connectionError: Error | undefined;

  private constructor(
    private readonly opened: OpenedClient,
    private readonly options: ResolvedOptions,
  ) {
    const keys = new KeySpace(options.prefix);
    this.ctx = new RedisContext(opened.client, keys, new QueueNames(opened.client, keys));
    this.where = `"${options.prefix}"`;
    const where = this.where;
    this.guard = new StorageGuard({ kind: 'redis', name: storageName(where), classify: (err) => toStorageError(err, where, this.connectionError) });
    this.resets = new ResetWatch(this.ctx, options.reporting, this.where);
    this.notices = redisNotifier(opened.client, keys, (listener) => this.resets.listen(listener));
    this.notifier = this.notices;
    // An owned client's connection errors surface as rejected commands, which name the last one;
    // without a listener ioredis would also print each reconnect attempt's error.
    if (opened.owned) {
      opened.client.on('error', (err: Error) => {
        this.connectionError = err;
      });
      opened.client.on('ready', () => {
        this.connectionError = undefined;
      });
    }
  }

  /**
   * Connects (or adopts `options.connection` when it is a client) and checks the prefix's schema:
   * a newer one throws `SchemaVersionError`; an older or empty one is migrated (default) or, with
   * `migrate: false`, throws `SchemaVersionError`. A server that cannot be reached throws
   * `StorageUnavailableError`. Then, unless `checkServer: false`, warns through `logger` when the
   * server may evict keys or has persistence off (see {@link RedisStorageOptions.checkServer}).
   */
  static async open(options: RedisStorageOptions = {}): Promise<RedisStorage> {
    const resolved = resolveOptions(options);
    const storage = new RedisStorage(connect(resolved.connection), resolved);
    try {
      await checkDatabase(storage.opened.client, storage.where);
      storage.resets.epoch = await ensureSchema(storage.ctx, resolved.migrate);
    } catch (err) {
      await storage.close();
      throw toStorageError(err, storage.where, storage.connectionError);
    }
    if (resolved.reporting.checkServer) await checkServer(storage.opened.client, resolved.reporting.logger);
    return storage;
  }

  /**
   * Reopens a storage from {@link describe}'s options (in a worker thread or child process): same
   * as {@link open}, without the server check (the storage described was checked where it opened).
   */
  static async fromDescriptor(options: RedisStorageOptions): Promise<RedisStorage> {
    return RedisStorage.open({ ...options, checkServer: false });
  }

  /**
   * The descriptor `open(options)` would describe, without connecting: plain data that
   * {@link fromDescriptor} turns back into a storage on the same server and prefix. It never
   * migrates, and functions (`logger`, a custom `retryStrategy`) do not travel.
   */
  static descriptor(options: RedisStorageOptions = {}): StorageDescriptor {
    const { prefix, connection, reporting } = resolveOptions(options);
    const plain = { connection: describeConnection(connection), prefix, migrate: false, resetCheckMs: reporting.resetCheckMs };
    return { moduleUrl: import.meta.url, exportName: EXPORT_NAME, options: plain };
  }

  /** Plain data to reopen this storage elsewhere: see {@link RedisStorage.descriptor}. */
  describe(): StorageDescriptor {
    const { connection, prefix, reporting } = this.options;
    return RedisStorage.descriptor({ connection, prefix, resetCheckMs: reporting.resetCheckMs });
  }

  /** Brings the prefix to the code's schema version in one script; safe twice and from two processes at once. */
  async migrate(): Promise<void> {
    await this.guard.run('migrate', () => ensureSchema(this.ctx, true));
  }

  /** Closes the notifier's connection and, when the storage made it, the client (idempotent). */
  async close(): Promise<void> {
    if (!this.guard.close()) return;
    this.resets.close();
    await this.notices.close();
    if (this.opened.owned) await this.opened.client.quit().catch(() => this.opened.client.disconnect());
  }

  /** Creates the queue or updates only the given fields, in one script. */
  async upsertQueue(p: UpsertQueueParams): Promise<QueueConfig> {
    return this.guard.run('upsertQueue', () => upsertQueue(this.ctx, p));
  }

  /** The stored configuration, or null for a queue never configured nor added to. */
  async getQueue(name: string): Promise<QueueConfig | null> {
    return this.guard.run('getQueue', () => getQueue(this.ctx, name));
  }

  /** Every queue ever configured or added to, sorted by name; one pipelined read. */
  async listQueues(): Promise<QueueConfig[]> {
    return this.guard.run('listQueues', () => listQueues(this.ctx));
  }

  /**
   * Writes every job or none in one script (one round trip); an idempotency key already used in
   * the queue returns the stored job (`inserted[i] = false`); throws `QueueDrainingError` when the
   * queue is draining and `QueueFullError` when the new jobs would pass `maxSize` (nothing written). Creates a missing queue with the defaults.
   */
  async enqueue(p: EnqueueParams): Promise<EnqueueResult> {
    return this.guard.run('enqueue', () => enqueueJobs(this.ctx, p, this.notices.origin));
  }

  /** Leases ready jobs by the ordering rule in one script, within pause and global concurrency. */
  async claim(p: ClaimParams): Promise<JobRecord[]> {
    return this.guard.run('claim', () => claimJobs(this.ctx, p));
  }

  /** Settles a batch (each item guarded by its lease token) and optionally claims, in one script. */
  async settle(p: SettleParams): Promise<SettleResult> {
    return this.guard.run('settle', () => settleJobs(this.ctx, p));
  }

  /** Extends each held lease and reports cancel requests; leases not held are reported, not revived. */
  async renewLeases(p: RenewLeasesParams): Promise<LeaseState[]> {
    return this.guard.run('renewLeases', () => renewLeases(this.ctx, p));
  }

  /** Writes progress under the lease guard; throws `LeaseLostError` (nothing written) on a miss. */
  async reportProgress(p: ProgressParams): Promise<JobRecord> {
    return this.guard.run('reportProgress', () => reportProgress(this.ctx, p));
  }

  /** Queued: cancelled now; running: cancel requested; cancelled: as is; otherwise throws. */
  async cancel(p: CancelParams): Promise<JobRecord> {
    return this.guard.run('cancel', () => cancelJob(this.ctx, p));
  }

  /** Moves every expired lease out of running, one script per queue; returns the moved jobs. */
  async reclaimExpired(p: ReclaimParams): Promise<JobRecord[]> {
    return this.guard.run('reclaimExpired', () => reclaimExpired(this.ctx, p));
  }

  /** One job of `p.queue` by id, or null (also for another queue's job). */
  async getJob(p: JobRef): Promise<JobRecord | null> {
    return this.guard.run('getJob', () => getJob(this.ctx, p));
  }

  /** 1 + the ready jobs ahead by the ordering rule (ZRANK, O(log n)), or null unless queued and ready. */
  async getPosition(p: JobRef & { now: number }): Promise<number | null> {
    return this.guard.run('getPosition', () => getPosition(this.ctx, p));
  }

  /** The position and ETA inputs of a job from one script (workers read beside it); null for an unknown id. */
  async getPositionInputs(p: PositionParams): Promise<PositionInputs | null> {
    return this.guard.run('getPositionInputs', () => getPositionInputs(this.ctx, p));
  }

  /** Counts, throughput windows and recent finishes from one script, and the live workers. */
  async getStats(p: StatsParams): Promise<RawQueueStats> {
    return this.guard.run('getStats', () => getStats(this.ctx, p));
  }

  /** One page of a queue's jobs, by `seq` (newest first unless `order: 'asc'`). */
  async listJobs(p: ListParams): Promise<Page<JobRecord>> {
    return this.guard.run('listJobs', () => listJobs(this.ctx, p));
  }

  /** A page of the queue's ungrouped queued jobs in claim order, in one script. */
  async listWaiting(p: ListWaitingParams): Promise<JobRecord[]> {
    return this.guard.run('listWaiting', () => listWaiting(this.ctx, p));
  }

  /** Failed or cancelled back to queued with attempts reset; throws otherwise. */
  async retry(p: RetryParams): Promise<JobRecord> {
    return this.guard.run('retry', () => retryJob(this.ctx, p));
  }

  /** A queued job's new priority, its ready-set score updated at once; throws `InvalidTransitionError` unless queued. */
  async changePriority(p: ChangePriorityParams): Promise<JobRecord> {
    return this.guard.run('changePriority', () => changePriority(this.ctx, p));
  }

  /** A queued job ready now (`runAt = min(runAt, now)`); throws `InvalidTransitionError` unless queued. */
  async promote(p: PromoteParams): Promise<JobRecord> {
    return this.guard.run('promote', () => promoteJob(this.ctx, p));
  }

  /** Removes one batch (at most `p.limit`) of the selected jobs, never running ones, in one script. */
  async removeJobs(p: RemoveParams): Promise<number> {
    return this.guard.run('removeJobs', () => removeJobs(this.ctx, p));
  }

  /** Stores the queue's retention policy, in one command. */
  async setRetention(p: SetRetentionParams): Promise<void> {
    return this.guard.run('setRetention', () => housekeeping.setRetention(this.ctx, p));
  }

  /** The queue's stored retention policy, or null: one command. */
  async getRetention(queue: string): Promise<RetentionPolicy | null> {
    return this.guard.run('getRetention', () => housekeeping.getRetention(this.ctx, queue));
  }

  /** Takes or renews the housekeeping lease: one compare-and-set script. */
  async takeHousekeepingLease(p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
    return this.guard.run('takeHousekeepingLease', () => housekeeping.takeHousekeepingLease(this.ctx, p));
  }

  /** Deletes one prune batch and keeps its ETA samples, in one script. */
  async pruneFinished(p: PruneFinishedParams): Promise<number> {
    return this.guard.run('pruneFinished', () => housekeeping.pruneFinished(this.ctx, p));
  }

  /** Registers a worker or refreshes its heartbeat, in one script. */
  async registerWorker(p: RegisterWorkerParams): Promise<void> {
    return this.guard.run('registerWorker', () => registerWorker(this.ctx, p));
  }

  /**
   * Stores a named group's weight (null: back to 1) in one script, creating a missing queue; claims
   * and positions read it from their next script on (see `Storage.setGroup`).
   */
  async setGroup(p: SetGroupParams): Promise<void> {
    return this.guard.run('setGroup', () => setGroup(this.ctx, p));
  }

  /** Every group of the queue with stored settings, by name in code-unit order: one HGETALL. */
  async listGroupSettings(p: { queue: string }): Promise<GroupSettingsRecord[]> {
    return this.guard.run('listGroupSettings', () => listGroupSettings(this.ctx, p.queue));
  }

  /**
   * One page of the queue's named groups (queued or running jobs, or a weight) after `p.after`,
   * by name in byte order, with their counts: one read-only script (see `Storage.listGroups`).
   */
  async listGroups(p: ListGroupsParams): Promise<GroupsPage> {
    return this.guard.run('listGroups', () => listGroups(this.ctx, p));
  }

  /** Forgets a worker; unknown ids are ignored. */
  async deregisterWorker(p: { id: string }): Promise<void> {
    return this.guard.run('deregisterWorker', () => deregisterWorker(this.ctx, p.id));
  }

  /**
   * Writes whole jobs (an import or a move) in one script, all or none. Job keys live under their
   * queue, so a conflict by id is one with a job of the target queue.
   */
  async importJobs(p: ImportJobsParams): Promise<ImportJobsResult> {
    return this.guard.run('importJobs', () => importWholeJobs(this.ctx, p));
  }

  /** Creates or replaces a schedule (a hash plus its entry in the queue's sorted set by next tick), in one script. */
  async upsertSchedule(p: UpsertScheduleParams): Promise<ScheduleRecord> {
    return this.guard.run('upsertSchedule', () => schedules.upsertSchedule(this.ctx, p));
  }

  /** Deletes a schedule in one script; true when it existed. */
  async removeSchedule(p: ScheduleRef): Promise<boolean> {
    return this.guard.run('removeSchedule', () => schedules.removeSchedule(this.ctx, p));
  }

  /** The queue's schedules by key, read in one script. */
  async listSchedules(p: { queue: string }): Promise<ScheduleRecord[]> {
    return this.guard.run('listSchedules', () => schedules.listSchedules(this.ctx, p.queue));
  }

  /** The queue's schedules due by `until`, from the sorted set by next tick, in one script. */
  async dueSchedules(p: DueSchedulesParams): Promise<ScheduleRecord[]> {
    return this.guard.run('dueSchedules', () => schedules.dueSchedules(this.ctx, p));
  }

  /**
   * The tick's compare-and-set on `nextRunAt` and its enqueue in one Lua script: scripts run one
   * at a time, so of several processes firing one tick exactly one wins.
   */
  async fireSchedule(p: FireScheduleParams): Promise<FireScheduleResult> {
    return this.guard.run('fireSchedule', () => schedules.fireSchedule(this.ctx, p));
  }
}
