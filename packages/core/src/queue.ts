/**
 * `Queue`: validate and enqueue, read status, position and ETA, and control the queue.
 * @module
 */
import {
  checkStorage,
  checkTx,
  parseBulkAddOptions,
  parseBulkJobs,
  parseCleanOptions,
  parseListOptions,
  parsePageOptions,
  parseDrainOptions,
  parseWaitOptions,
  splitAddOptions,
} from './call-options.js';
import type { Clock } from './clock.js';
import { GroupFullError, JobNotFoundError } from './errors.js';
import { QueueListeners } from './queue-listeners.js';
import { Job, type JobStatus } from './job.js';
import { QueueReads } from './queue-reads.js';
import type { JobId, JobRecord } from './job-record.js';
import { buildNewJob, type JobDefaults } from './new-job.js';
import { type JobOptions, parseJobId, parsePriority, parseQueueName } from './options.js';
import type { QueueRateLimit } from './rate-limit.js';
import { onResetWeakly } from './reset-watch.js';
import { type QueueStats, STATS_SAMPLE_LIMIT } from './stats.js';
import type { EnqueueParams, GroupSettings, GroupSettingsRecord, GroupsPage, Page, QueueConfig, Storage } from './storage.js';
import { type ListGroupsOptions, listGroupSettingsOf, listGroupsOf, setGroupOf } from './group-settings.js';
import { type WaitHost, waitFinished, waitIdle } from './queue-waits.js';
import { removeJobsInBatches } from './remove-jobs.js';
import { traceAdd } from './tracing.js';
import { type AddOptions, type BulkJob, type GroupLimits, groupLimitsPatch, type ListJobsOptions, patchConfig, type QueueOptions } from './queue-options.js';
import { type QueueSettings, rateLimitPatch, resolveQueueSettings } from './queue-options.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { RetentionPolicy } from './retention/policy.js';
import { cancelJob } from './queue-cancel.js';
import { removeScheduleOf, type ScheduleInfo, toScheduleInfo, upsertScheduleOf } from './schedules/api.js';
import type { ScheduleDefinition } from './schedules/spec.js';
import { wakeResumed } from './schedules/wakeups.js';

export type { AddOptions, BulkJob, GroupLimits, ListJobsOptions, QueueOptions } from './queue-options.js';

/** A reset listener's action, defined out here so it holds no queue (a closure in `ready` would). */
const restoreQueueConfig = (queue: Queue): Promise<QueueConfig> => queue.restoreConfig();

/**
 * A named queue on a storage. Creating one stores its configuration (given fields only), so pause,
 * concurrency and max size hold across processes and restarts. Events emitted on a queue are this
 * process's; use `QueueEvents` for every process's.
 *
 * Every method validates its arguments before touching the storage: a bad one is a
 * `ValidationError` whose `path` names it (`['options', 'limit']`, `['jobs', 2, 'payload', 'at']`)
 * and nothing is written. Payloads, results and progress data must round-trip exactly as JSON
 * (see the README's "What a payload may hold"); numbers are bounded by `MAX_TIMER_MS`,
 * `MAX_DELAY_MS` and `MAX_RUN_AT`.
 * @typeParam Payload - a job's stored payload: the `payload` schema's output when there is one.
 * @typeParam Result - what a handler returns.
 * @typeParam Input - what `add`, `addBulk` and `schedule` take: the schema's input (the same as
 *   `Payload` without a transforming schema).
 */
export class Queue<Payload = unknown, Result = unknown, Input = Payload> extends QueueListeners {
  /** The queue's name, unique within its storage. */
  readonly name: string;
  /** The queue's clock. */
  readonly clock: Clock;
  /** The queue's retry policy and defaults, as resolved. @internal */
  readonly defaults: JobDefaults;
  /** The custom backoff function, when the retry policy has one. @internal */
  readonly customBackoff: ((ctx: { attempt: number; error: unknown }) => number | null) | undefined;
  /**
   * How long a worker silent for this long counts as gone: three default lease periods, nine default
   * heartbeats (a worker refreshes its registration at every heartbeat, at most every 5 s).
   */
  workerStaleMs = 15_000;
  /** The schema every payload is validated with (the `payload` option), if any. */
  readonly schema: StandardSchemaV1 | undefined;
  private readonly configPatch: QueueSettings['configPatch'];
  private readonly retention: RetentionPolicy | null | undefined;
  private readyPromise: Promise<QueueConfig> | undefined;
  private watchingResets = false;
  /** Status and stats reads, with this queue object's ETA calibration (see `queue-reads.ts`). */
  private readonly reads = new QueueReads(this, this.emitter);

  constructor(
    readonly storage: Storage,
    name: string,
    options: QueueOptions<Payload, Input> = {},
  ) {
    super();
    checkStorage(storage);
    this.name = parseQueueName(name);
    const settings = resolveQueueSettings(storage, options);
    this.schema = settings.schema;
    this.clock = settings.clock;
    this.defaults = settings.defaults;
    this.customBackoff = settings.customBackoff;
    this.configPatch = settings.configPatch;
    this.retention = settings.retention;
  }

  /**
   * Stores the queue's configuration (once per instance) and returns it as stored. When the
   * storage later reports that it lost its data (`notifier.onReset`), the queue writes the
   * configuration its options give (`concurrency`, `maxSize`, `maxStalls`, `rateLimit`, `retention`) again; a pause is not restored.
   */
  ready(): Promise<QueueConfig> {
    this.readyPromise ??= this.storeConfig().catch((err: unknown) => {
      this.readyPromise = undefined;
      throw err;
    });
    return this.readyPromise;
  }

  private async storeConfig(): Promise<QueueConfig> {
    const config = await this.storage.upsertQueue({ name: this.name, ...this.configPatch, now: this.clock.now() });
    if (this.retention !== undefined) await this.storage.setRetention({ queue: this.name, retention: this.retention, now: this.clock.now() });
    this.watchingResets ||= onResetWeakly(this.storage.notifier, this, restoreQueueConfig);
    return config;
  }

  /** Writes the configuration from the options again, after the storage lost its data. @internal */
  restoreConfig(): Promise<QueueConfig> {
    this.readyPromise = undefined;
    return this.ready();
  }

  /**
   * Validates and adds one job. Throws `ValidationError` (nothing written), `QueueFullError` or
   * `QueueDrainingError` (nothing written). A paused queue takes adds.
   * `options` must be a plain object (or left out); the payload must round-trip exactly as JSON.
   * With `options.tx` (a storage whose `capabilities.transactionalEnqueue` is true, e.g. a `pg`
   * client inside your transaction) the job is written in your transaction: workers see it only
   * after your commit, a rollback removes it, and no `job:added` event is emitted (the job may
   * never exist).
   */
  async add(payload: Input, options?: JobOptions & AddOptions): Promise<Job<Payload, Result>> {
    const { tx, job: jobOptions } = splitAddOptions(options);
    const [job] = await this.addMany([{ payload, options: jobOptions as JobOptions | undefined }], false, tx);
    return job as Job<Payload, Result>;
  }

  /**
   * Validates every job, then adds all of them or none (errors as in {@link add}); `options.tx` as in {@link add}. `jobs`
   * must be an array of `{ payload, options? }`; a bad entry's error path starts at `['jobs', i]`.
   */
  async addBulk(jobs: ReadonlyArray<BulkJob<Input>>, options?: AddOptions): Promise<Array<Job<Payload, Result>>> {
    const entries = parseBulkJobs(jobs) as ReadonlyArray<BulkJob<Input>>;
    return this.addMany(entries, true, parseBulkAddOptions(options).tx);
  }

  /** Adds inside the add's span (see `tracing.ts`), whose context new jobs carry unless their options give one. */
  private addMany(jobs: ReadonlyArray<BulkJob<Input>>, bulk: boolean, tx?: unknown): Promise<Array<Job<Payload, Result>>> {
    return traceAdd({ queue: this.name, count: jobs.length, bulk }, (traceparent) => this.write(jobs, bulk, tx, traceparent));
  }

  private async write(jobs: ReadonlyArray<BulkJob<Input>>, bulk: boolean, tx: unknown, traceparent: string | null): Promise<Array<Job<Payload, Result>>> {
    checkTx(this.storage, tx);
    const build = (now: number) => jobs.map((j, i) => buildNewJob(this.schema, this.defaults, j.payload, j.options, now, bulk ? ['jobs', i] : [], traceparent));
    let now = this.clock.now();
    // Validate before anything is written, the queue's first upsert included; the first add then
    // builds again so its times are read after that upsert, as every later add's are.
    let built = build(now);
    if (this.readyPromise === undefined) {
      await this.ready();
      now = this.clock.now();
      built = build(now);
    }
    if (built.length === 0) return [];
    const params: EnqueueParams = { queue: this.name, jobs: built, now };
    if (tx !== undefined) params.tx = tx;
    const {
      jobs: records,
      inserted,
      announced,
    } = await this.storage.enqueue(params).catch((err: unknown) => {
      throw bulk && err instanceof GroupFullError ? err.inBulk() : err;
    });
    if (tx !== undefined) return records.map((r, i) => new Job<Payload, Result>(this, r as JobRecord<Payload, Result>, inserted[i] ?? true));
    this.announceAdded(records, inserted, announced);
    return records.map((r, i) => new Job<Payload, Result>(this, r as JobRecord<Payload, Result>, inserted[i] ?? true));
  }

  /** A handle on an existing job of this queue; throws `JobNotFoundError`. */
  async job(id: JobId): Promise<Job<Payload, Result>> {
    const record = await this.getJob(id);
    if (!record) throw new JobNotFoundError(id);
    return new Job<Payload, Result>(this, record);
  }

  /** The stored record, or null when no such job exists. */
  async getJob(id: JobId): Promise<JobRecord<Payload, Result> | null> {
    return (await this.storage.getJob({ queue: this.name, id: parseJobId(id) })) as JobRecord<Payload, Result> | null;
  }

  /**
   * State, position, progress and ETA of a job, read consistently. Throws `JobNotFoundError`. The
   * ETA's `[low, high]` is calibrated on how this queue object's past ETAs turned out (see
   * docs/eta.md): each call remembers the finish it predicts, in memory.
   */
  async getStatus(id: JobId): Promise<JobStatus<Result>> {
    return this.reads.status<Result>(parseJobId(id));
  }

  /** The job's 1-based position among ready jobs (index-only), or null when it is not waiting and ready. */
  getPosition(id: JobId): Promise<number | null> {
    return this.storage.getPosition({ queue: this.name, id: parseJobId(id), now: this.clock.now() });
  }

  /**
   * Resolves with the result when the job completes; rejects with `JobFailedError` when it fails or
   * is cancelled, or with a `WAIT_TIMEOUT` error after `timeoutMs`. `timeoutMs` and `pollMs`
   * (default 500) are integers from 1 to `MAX_TIMER_MS`.
   */
  async finished(id: JobId, options?: { timeoutMs?: number | undefined; pollMs?: number | undefined }): Promise<Result> {
    const jobId = parseJobId(id);
    return waitFinished<Result>(this.waitHost, jobId, parseWaitOptions(options));
  }

  private get waitHost(): WaitHost {
    return { storage: this.storage, name: this.name, source: { emitter: this.emitter, notifier: this.storage.notifier, queue: this.name } };
  }

  /**
   * Cancels a job from any process: a queued job becomes `cancelled` at once; a running job's
   * handler sees its signal abort and the job ends `cancelled`. Cancelling a cancelled job
   * returns it and emits or delivers nothing again, unless the two cancels fall in the same
   * millisecond of the queue's clock (then `job:cancelled` may come twice; the webhook delivery
   * still comes once while its first delivery is stored).
   */
  async cancel(id: JobId): Promise<JobRecord<Payload, Result>> {
    return (await cancelJob(this, parseJobId(id))) as JobRecord<Payload, Result>;
  }

  /**
   * Re-drives a `failed` (dead-letter) or `cancelled` job: back to `queued`, attempts reset. It counts as an
   * add: draining, `maxSize` and `groupMaxWaiting` refuse it with the add's typed error, nothing written.
   */
  async retry(id: JobId): Promise<JobRecord<Payload, Result>> {
    const rec = await this.storage.retry({ queue: this.name, id: parseJobId(id), now: this.clock.now() });
    this.storage.notifier?.publish({ queue: this.name, kind: 'added', runAt: rec.runAt, jobId: rec.id });
    return rec as JobRecord<Payload, Result>;
  }

  /** Changes a queued job's priority; its position follows at once. */
  async changePriority(id: JobId, priority: number): Promise<JobRecord<Payload, Result>> {
    const rec = await this.storage.changePriority({ queue: this.name, id: parseJobId(id), priority: parsePriority(priority) });
    return rec as JobRecord<Payload, Result>;
  }

  /** Makes a delayed (or retry-waiting) job ready now. */
  async promote(id: JobId): Promise<JobRecord<Payload, Result>> {
    const rec = await this.storage.promote({ queue: this.name, id: parseJobId(id), now: this.clock.now() });
    this.storage.notifier?.publish({ queue: this.name, kind: 'added', runAt: rec.runAt, jobId: rec.id });
    return rec as JobRecord<Payload, Result>;
  }

  /** Stops every worker, in every process, from starting jobs of this queue; running jobs go on. */
  async pause(): Promise<QueueConfig> {
    const config = await this.storage.upsertQueue({ name: this.name, paused: true, now: this.clock.now() });
    this.emit('queue:paused', { queue: this.name });
    return config;
  }

  /**
   * Stores a new rate limit (see `QueueOptions.rateLimit`), or removes it with null, for every
   * process at once; workers held back by the old limit are woken. Removing it forgets the starts
   * it counted (a limit set again later starts from an empty window); a new limit replacing an
   * old one counts the starts already made inside its window (see `QueueConfig.rateLimit`). Throws `ValidationError` at
   * `['rateLimit', ...]` with nothing written. Later restores after a reset write this value.
   */
  async setRateLimit(rateLimit: QueueRateLimit | null): Promise<QueueConfig> {
    return patchConfig(this, this.configPatch, rateLimitPatch(rateLimit));
  }

  /**
   * Stores new per-group limits (see `QueueOptions.groupConcurrency`, `groupMaxWaiting` and
   * `groupRateLimit`) for every process at once; a field left out keeps its stored value, null
   * removes the limit, and workers held back by a lowered one are woken. Throws `ValidationError`
   * at the field (`['groupConcurrency']`, `['groupRateLimit', 'max']` …) with nothing written,
   * also on a storage without the `groups` capability. Later restores after a reset write these values.
   */
  async setGroupLimits(limits: GroupLimits): Promise<QueueConfig> {
    return patchConfig(this, this.configPatch, groupLimitsPatch(this.storage, limits));
  }

  /**
   * Gives the named group `group` a weight (`{ weight: 2 }`: two turns in a row per round of its
   * level, where others take one) for every process, from its next claim; null removes it
   * (weight 1). Positions stay exact. `ValidationError` at `['group']` or `['settings', 'weight']`
   * (1 to `MAX_GROUP_WEIGHT`), also on a storage without groups, with nothing written.
   */
  setGroup(group: string, settings: GroupSettings | null): Promise<void> {
    return setGroupOf(this, group, settings);
  }

  /** Every group of the queue with stored settings (weights), by name. */
  listGroupSettings(): Promise<GroupSettingsRecord[]> {
    return listGroupSettingsOf(this);
  }

  /**
   * A page of the named groups with a waiting or running job or a weight, by name (code-point
   * order), each with its ready, scheduled and running jobs and weight, counted in one read; pass
   * `nextAfter` as `after` for the next page. `ValidationError` at `['options', ...]`, or on a storage without groups.
   */
  listGroups(options?: ListGroupsOptions): Promise<GroupsPage> {
    return listGroupsOf(this, options);
  }

  /** Lets workers start jobs again and adds in again: clears both a pause and a drain, in every process (see `wakeResumed`). */
  async resume(): Promise<QueueConfig> {
    const config = await this.storage.upsertQueue({ name: this.name, paused: false, draining: false, now: this.clock.now() });
    this.emit('queue:resumed', { queue: this.name });
    wakeResumed(this.storage, this.name, this.clock.now());
    return config;
  }

  /**
   * Stops taking new jobs and finishes the rest: stores the queue as draining, so every add in
   * every process throws `QueueDrainingError` (nothing written), then resolves as
   * {@link whenIdle} does. Workers go on running what is queued, scheduled jobs included. The
   * queue stays draining after this resolves (or times out) until {@link resume}. An add in
   * flight when it is called is either refused or waited for. Options as in {@link whenIdle},
   * validated before anything is written; with `wait: false` it resolves once the queue is stored
   * as draining, without waiting for it to empty.
   */
  async drain(options?: { timeoutMs?: number | undefined; pollMs?: number | undefined; wait?: boolean | undefined }): Promise<void> {
    const { wait, ...idle } = parseDrainOptions(options);
    await this.storage.upsertQueue({ name: this.name, draining: true, now: this.clock.now() });
    if (wait !== false) await this.whenIdle(idle);
  }

  /**
   * Resolves once nothing is queued (ready or scheduled) or running in this queue; changes
   * nothing (adds go on being taken). `timeoutMs` and `pollMs` (default 200) are integers from 1
   * to `MAX_TIMER_MS`.
   */
  async whenIdle(options?: { timeoutMs?: number | undefined; pollMs?: number | undefined }): Promise<void> {
    await waitIdle(this.waitHost, parseWaitOptions(options));
  }

  /** Removes every queued job (ready and scheduled); running jobs go on. Returns how many were removed. */
  clear(): Promise<number> {
    return removeJobsInBatches(this.storage, { queue: this.name, states: ['queued'] });
  }

  /**
   * Removes jobs in a final state (or queued) older than `olderThanMs` (by finish or add time),
   * keeping the ETA samples of removed completed and failed jobs. `state` is required; `olderThanMs` is an integer from 0 to `MAX_DELAY_MS`.
   */
  async clean(options: { state: 'completed' | 'failed' | 'cancelled' | 'queued'; olderThanMs?: number | undefined }): Promise<number> {
    const { state, olderThanMs } = parseCleanOptions(options);
    const olderThan = olderThanMs === undefined ? undefined : this.clock.now() - olderThanMs;
    return removeJobsInBatches(this.storage, { queue: this.name, states: [state], olderThan, sampleLimit: STATS_SAMPLE_LIMIT });
  }

  /** Counts by state, utilisation, throughput, success rate, run and wait times, live workers, schedules. */
  getStats(): Promise<QueueStats> {
    return this.reads.stats();
  }

  /**
   * Creates the schedule `key` (1-200 characters), or replaces it: each tick enqueues one job with
   * `payload` and `options`, fired by whichever of the queue's workers (in any process) wins it, so
   * exactly once; the job carries its tick (read it with `scheduledTick(job)`). Ticks fire only
   * while some worker of the queue runs. Re-declaring a schedule with the same timing keeps its
   * next tick, so a restart loses no due tick. Throws `ValidationError` (path `['key']` or
   * `['schedule', ...]`: a bad cron, time zone, period, payload or option) and writes nothing.
   */
  schedule(key: string, definition: ScheduleDefinition<Input>): Promise<ScheduleInfo> {
    return upsertScheduleOf(this as unknown as Queue, key, definition);
  }

  /** Removes the schedule `key`: no tick fires after this resolves; true when it existed. Jobs already fired stay. */
  unschedule(key: string): Promise<boolean> {
    return removeScheduleOf(this as unknown as Queue, key);
  }

  /** The queue's schedules by key, each with its timing, next tick (null: none) and last tick fired. */
  async listSchedules(): Promise<ScheduleInfo[]> {
    return (await this.storage.listSchedules({ queue: this.name })).map(toScheduleInfo);
  }

  /**
   * Lists jobs, newest first by default. `limit` is an integer from 1 to `MAX_LIST_LIMIT` (default
   * 100), `offset` from 0 to `MAX_LIST_OFFSET`; `states` are known job states.
   */
  async listJobs(options?: ListJobsOptions): Promise<Page<JobRecord>> {
    return this.storage.listJobs({ queue: this.name, ...parseListOptions(options) });
  }

  /** The dead-letter set: jobs that ran out of attempts or failed permanently. Options as in {@link listJobs}. */
  async listFailed(options?: { limit?: number | undefined; offset?: number | undefined }): Promise<Page<JobRecord>> {
    return this.listJobs({ ...parsePageOptions(options), states: ['failed'] });
  }

  /** The stored configuration. */
  async getConfig(): Promise<QueueConfig> {
    return (await this.storage.getQueue(this.name)) ?? this.ready();
  }
}
