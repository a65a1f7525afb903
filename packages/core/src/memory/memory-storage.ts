/**
 * `MemoryStorage`: a complete Waitline storage in this process's memory, for tests and for
 * programs whose jobs need not outlive them. This file wires the seam to the operation modules.
 * @module
 */
import { type Clock, systemClock } from '../clock.js';
import { StorageUnavailableError } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import type {
  CancelParams,
  ChangePriorityParams,
  ClaimParams,
  EnqueueParams,
  EnqueueResult,
  GroupSettingsRecord,
  ImportJobsParams,
  ImportJobsResult,
  JobRef,
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
  Storage,
  StorageCapabilities,
  UpsertQueueParams,
} from '../storage.js';
import { NoticeHub } from '../notify/hub.js';
import { StorageGuard } from '../storage-guard.js';
import type { Notifier, StorageDescriptor } from '../storage-notify.js';
import type {
  GroupsPage,
  ListGroupsParams,
  ListParams,
  ListWaitingParams,
  Page,
  PositionInputs,
  PositionParams,
  RawQueueStats,
  StatsParams,
} from '../storage-reads.js';
import { claimReady } from './claim.js';
import { cancelJob, changePriority, promoteJob, removeJobs, retryJob } from './control.js';
import { copyConfig, copyJob } from './copy.js';
import { enqueueJobs } from './enqueue.js';
import { reclaimExpired, renewLeases, reportProgress, settleJobs } from './leases.js';
import { listQueues, registerWorker, setGroupSettings, upsertQueue } from './queues.js';
import { listGroups } from './group-list.js';
import { listJobs, listWaiting, readPosition, readPositionInputs, readStats } from './reads.js';
import { MemoryStore } from './store.js';
import { importJobs } from './transfer.js';
import { dueSchedules, fireSchedule, listSchedules, removeSchedule, upsertSchedule } from './schedules.js';
import type { HousekeepingLease, HousekeepingLeaseParams, PruneFinishedParams, SetRetentionParams } from '../housekeeping-params.js';
import type { RetentionPolicy } from '../retention/policy.js';
import { getRetention, pruneFinished, setRetention, takeHousekeepingLease } from './housekeeping.js';
import type { DueSchedulesParams, FireScheduleParams, FireScheduleResult, ScheduleRecord, ScheduleRef, UpsertScheduleParams } from '../schedule-params.js';

/** Options of {@link MemoryStorage.open}. */
export interface MemoryStorageOptions {
  /**
   * The clock every `Queue` and `Worker` on this storage reads unless given their own (exposed as
   * `storage.clock`); the wall clock by default. Pass a {@link ManualClock} to move time by hand.
   */
  clock?: Clock | undefined;
}

/** The export name a descriptor points at. */
const EXPORT_NAME = 'MemoryStorage';

const CAPABILITIES: StorageCapabilities = Object.freeze({ crossProcessEvents: false, transactionalEnqueue: false, reopenable: false, groups: true });

/**
 * A Waitline `Storage` held in memory: no server, no file, nothing to migrate. It follows the
 * same contract as the SQLite, Postgres and Redis storages (ordering rule, guarded transitions,
 * pause and global concurrency, `maxSize`, draining, idempotency keys, stalls, typed errors) and
 * passes the shared contract suite, so an app tested on it behaves the same on a real storage.
 *
 * Every operation runs in one synchronous step, so each is atomic. Records it returns are copies:
 * changing one never changes the store. Values are kept as JSON carries them, as the other
 * storages keep them. Its data lives and dies with the object: it cannot be reopened from
 * another thread or process (`reopenable: false`, so workers renew leases from the main
 * thread), and its notifier reaches this process only. Two rules are strict here where not every
 * storage is yet: a repeated or stored job id throws `ValidationError` (path `['id']`), and
 * `removeJobs` given `running` throws `ValidationError` (path `['states']`), writing nothing.
 */
export class MemoryStorage implements Storage {
  /** No other process, no caller transaction, no reopening. */
  readonly capabilities: StorageCapabilities = CAPABILITIES;
  /** Delivers notices synchronously to this storage's subscribers. */
  readonly notifier: Notifier;
  /** The clock given in the options, or the wall clock. */
  readonly clock: Clock;

  private readonly store = new MemoryStore();
  private readonly hub = new NoticeHub();
  private readonly guard = new StorageGuard({ kind: 'memory', name: 'the MemoryStorage' });

  /** An empty storage; see {@link MemoryStorageOptions}. */
  constructor(options: MemoryStorageOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.notifier = this.hub;
  }

  /** An empty storage, like the constructor; async only to read like the other storages' `open`. */
  static async open(options: MemoryStorageOptions = {}): Promise<MemoryStorage> {
    return new MemoryStorage(options);
  }

  /**
   * Always throws `StorageUnavailableError`: a memory storage's data cannot be reached from
   * another thread or process. Core never calls it, because `capabilities.reopenable` is false.
   */
  static async fromDescriptor(_options: Record<string, unknown>): Promise<never> {
    throw new StorageUnavailableError('a MemoryStorage cannot be reopened: its data lives in the process that created it');
  }

  /** A descriptor naming this class; {@link MemoryStorage.fromDescriptor} refuses it (nothing to reopen). */
  describe(): StorageDescriptor {
    return { moduleUrl: import.meta.url, exportName: EXPORT_NAME, options: {} };
  }

  /** Nothing to migrate: resolves at once (and fails once closed, like every call). */
  async migrate(): Promise<void> {
    await this.guard.run('migrate', () => undefined);
  }

  /** Drops the notifier's subscribers; later calls fail with `StorageUnavailableError`. Idempotent. */
  async close(): Promise<void> {
    if (this.guard.close()) await this.hub.close();
  }

  /** Creates the queue when missing and writes only the fields given. */
  async upsertQueue(p: UpsertQueueParams): Promise<QueueConfig> {
    return this.guard.run('upsertQueue', () => upsertQueue(this.store, p));
  }

  /** The stored configuration, or null for a queue never configured nor added to. */
  async getQueue(name: string): Promise<QueueConfig | null> {
    return this.guard.run('getQueue', () => {
      const config = this.store.queues.get(name);
      return config === undefined ? null : copyConfig(config);
    });
  }

  /** Every queue ever configured or added to, sorted by name. */
  async listQueues(): Promise<QueueConfig[]> {
    return this.guard.run('listQueues', () => listQueues(this.store));
  }

  /** Writes every job or none; see `Storage.enqueue` and the strict duplicate-id rule above. */
  async enqueue(p: EnqueueParams): Promise<EnqueueResult> {
    return this.guard.run('enqueue', () => enqueueJobs(this.store, p));
  }

  /** Leases ready jobs by the ordering rule, within pause and global concurrency. */
  async claim(p: ClaimParams): Promise<JobRecord[]> {
    return this.guard.run('claim', () => claimReady(this.store, p));
  }

  /** Settles a batch (each item guarded by its lease token), then optionally claims, in one step. */
  async settle(p: SettleParams): Promise<SettleResult> {
    return this.guard.run('settle', () => settleJobs(this.store, p));
  }

  /** Extends held leases and reports cancel requests; leases not held are reported, not revived. */
  async renewLeases(p: RenewLeasesParams): Promise<LeaseState[]> {
    return this.guard.run('renewLeases', () => renewLeases(this.store, p));
  }

  /** Writes progress under the lease guard; throws `LeaseLostError` (nothing written) on a miss. */
  async reportProgress(p: ProgressParams): Promise<JobRecord> {
    return this.guard.run('reportProgress', () => reportProgress(this.store, p));
  }

  /** Queued: cancelled now; running: cancel requested; cancelled: as is; otherwise throws. */
  async cancel(p: CancelParams): Promise<JobRecord> {
    return this.guard.run('cancel', () => cancelJob(this.store, p));
  }

  /** Moves every expired lease out of `running` as `ReclaimParams` says; returns the moved jobs by `seq`. */
  async reclaimExpired(p: ReclaimParams): Promise<JobRecord[]> {
    return this.guard.run('reclaimExpired', () => reclaimExpired(this.store, p));
  }

  /** A copy of the job, or null for an unknown id or a job of another queue. */
  async getJob(p: JobRef): Promise<JobRecord | null> {
    return this.guard.run('getJob', () => {
      const job = this.store.jobs.get(p.id);
      return job === undefined || job.queue !== p.queue ? null : copyJob(job);
    });
  }

  /** 1 + the ready jobs ahead by the ordering rule, or null unless queued, ready and of `p.queue`. */
  async getPosition(p: JobRef & { now: number }): Promise<number | null> {
    return this.guard.run('getPosition', () => readPosition(this.store, p));
  }

  /** The position and ETA inputs of a job, read in one step; null for an unknown id or another queue's job. */
  async getPositionInputs(p: PositionParams): Promise<PositionInputs | null> {
    return this.guard.run('getPositionInputs', () => readPositionInputs(this.store, p));
  }

  /** Counts, throughput windows, recent finishes, live workers and config, read in one step. */
  async getStats(p: StatsParams): Promise<RawQueueStats> {
    return this.guard.run('getStats', () => readStats(this.store, p));
  }

  /** One page of a queue's jobs, by `seq` (newest first unless `order: 'asc'`). */
  async listJobs(p: ListParams): Promise<Page<JobRecord>> {
    return this.guard.run('listJobs', () => listJobs(this.store, p));
  }

  /** A page of the queue's ungrouped queued jobs in claim order (see `ListWaitingParams`). */
  async listWaiting(p: ListWaitingParams): Promise<JobRecord[]> {
    return this.guard.run('listWaiting', () => listWaiting(this.store, p));
  }

  /** Failed or cancelled back to queued with attempts and stalls reset; throws otherwise. */
  async retry(p: RetryParams): Promise<JobRecord> {
    return this.guard.run('retry', () => retryJob(this.store, p));
  }

  /** A queued job's new priority; throws `InvalidTransitionError` unless queued. */
  async changePriority(p: ChangePriorityParams): Promise<JobRecord> {
    return this.guard.run('changePriority', () => changePriority(this.store, p));
  }

  /** A queued job ready now (`runAt = min(runAt, now)`); throws `InvalidTransitionError` unless queued. */
  async promote(p: PromoteParams): Promise<JobRecord> {
    return this.guard.run('promote', () => promoteJob(this.store, p));
  }

  /** Removes the selected jobs in one step; `running` among the states throws `ValidationError`. */
  async removeJobs(p: RemoveParams): Promise<number> {
    return this.guard.run('removeJobs', () => removeJobs(this.store, p));
  }

  /** Registers a worker or refreshes its heartbeat (`startedAt` kept). */
  async registerWorker(p: RegisterWorkerParams): Promise<void> {
    await this.guard.run('registerWorker', () => registerWorker(this.store, p));
  }

  /** Forgets a worker; an unknown id is fine. */
  async deregisterWorker(p: { id: string }): Promise<void> {
    await this.guard.run('deregisterWorker', () => this.store.workers.delete(p.id));
  }

  /** Stores a named group's weight (null: back to 1); see `Storage.setGroup`. */
  async setGroup(p: SetGroupParams): Promise<void> {
    await this.guard.run('setGroup', () => setGroupSettings(this.store, p));
  }

  /** Every group of the queue with a weight set, by name. */
  async listGroupSettings(p: { queue: string }): Promise<GroupSettingsRecord[]> {
    return this.guard.run('listGroupSettings', () =>
      this.store
        .queueJobs(p.queue)
        .groups.weightsByName()
        .map(([group, weight]) => ({ group, weight })),
    );
  }

  /** A page of the queue's named groups with their counts and weights, by name; see `Storage.listGroups`. */
  async listGroups(p: ListGroupsParams): Promise<GroupsPage> {
    return this.guard.run('listGroups', () => listGroups(this.store, p));
  }

  /** Writes whole jobs, all or none, with fresh seqs in the order given; see `ImportJobsParams`. */
  async importJobs(p: ImportJobsParams): Promise<ImportJobsResult> {
    return this.guard.run('importJobs', () => importJobs(this.store, p));
  }

  /** Creates or replaces a schedule, keeping its next tick when its timing is unchanged. */
  async upsertSchedule(p: UpsertScheduleParams): Promise<ScheduleRecord> {
    return this.guard.run('upsertSchedule', () => upsertSchedule(this.store, p));
  }

  /** Removes a schedule; true when it existed. */
  async removeSchedule(p: ScheduleRef): Promise<boolean> {
    return this.guard.run('removeSchedule', () => removeSchedule(this.store, p));
  }

  /** The queue's schedules, by key. */
  async listSchedules(p: { queue: string }): Promise<ScheduleRecord[]> {
    return this.guard.run('listSchedules', () => listSchedules(this.store, p.queue));
  }

  /** The queue's schedules due by `until`, earliest first. */
  async dueSchedules(p: DueSchedulesParams): Promise<ScheduleRecord[]> {
    return this.guard.run('dueSchedules', () => dueSchedules(this.store, p));
  }

  /** Compare-and-sets a schedule's next tick and enqueues the tick's job, in one step. */
  async fireSchedule(p: FireScheduleParams): Promise<FireScheduleResult> {
    return this.guard.run('fireSchedule', () => fireSchedule(this.store, p));
  }

  /** Stores the queue's retention policy. */
  async setRetention(p: SetRetentionParams): Promise<void> {
    await this.guard.run('setRetention', () => setRetention(this.store, p));
  }

  /** The queue's stored retention policy (a copy), or null. */
  async getRetention(queue: string): Promise<RetentionPolicy | null> {
    return this.guard.run('getRetention', () => getRetention(this.store, queue));
  }

  /** Takes or renews the housekeeping lease (one synchronous compare-and-set). */
  async takeHousekeepingLease(p: HousekeepingLeaseParams): Promise<HousekeepingLease> {
    return this.guard.run('takeHousekeepingLease', () => takeHousekeepingLease(this.store, p));
  }

  /** Deletes one batch of finished jobs, keeping their ETA samples. */
  async pruneFinished(p: PruneFinishedParams): Promise<number> {
    return this.guard.run('pruneFinished', () => pruneFinished(this.store, p));
  }
}
