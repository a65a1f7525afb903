/**
 * The read side of the Storage seam: what a position, an ETA, statistics and a listing are
 * computed from. Each read is one consistent snapshot where the storage allows; none writes.
 * @module
 */
import type { JobId, JobRecord } from './job-record.js';
import type { JobState } from './state.js';
import type { JobRef, QueueConfig } from './storage-params.js';

/** Reads the inputs of a job's position and ETA in one consistent read. */
export interface PositionParams extends JobRef {
  now: number;
  /** How many recently finished jobs to return for duration statistics. */
  sampleLimit: number;
  /** When at most this many jobs are ahead, list each of them (for an exact simulation). */
  aheadListLimit: number;
  /**
   * `aheadWork` covers at most this many of the jobs ahead: the first ones in claim order. A
   * status read deep in a long queue then reads a bounded number of jobs however many are ahead
   * (the position itself stays exact); core scales the work it saw to the whole count.
   */
  aheadWorkLimit: number;
  /** `dueAhead` lists at most this many scheduled jobs (0: none). */
  dueAheadLimit: number;
  /** Workers silent for longer than this are not live. */
  workerStaleMs: number;
}

/** Work waiting ahead of a job, grouped by job name. */
export interface AheadWork {
  name: string;
  count: number;
  /** How many of `count` carry a size, and their sizes' sum. */
  sizedCount: number;
  sizeSum: number;
}

/** A scheduled job that outranks a waiting one: when it comes due, it goes first. */
export interface DueAhead {
  name: string;
  size: number | null;
  runAt: number;
}

/** A recently finished job, for duration and wait statistics. */
export interface FinishedSample {
  name: string;
  state: 'completed' | 'failed';
  /** Its priority: the ETA reads how much higher-priority work arrives, which overtakes a waiting job. */
  priority: number;
  size: number | null;
  /** When it was added. */
  createdAt: number;
  runAt: number;
  startedAt: number;
  finishedAt: number;
}

/** A running job as the ETA sees it. */
export interface RunningSample {
  id: JobId;
  name: string;
  size: number | null;
  startedAt: number;
  progressPercent: number | null;
}

/** A registered worker. */
export interface WorkerInfo {
  id: string;
  queue: string;
  host: string;
  pid: number;
  concurrency: number;
  startedAt: number;
  lastSeenAt: number;
}

/** Everything a position and ETA are computed from, read consistently. */
export interface PositionInputs {
  job: JobRecord;
  /** Ready jobs that sort before this one; null unless the job is queued and ready. */
  ahead: number | null;
  /** The work of the first {@link aheadWorkOf} jobs ahead, grouped by name (its counts sum to `aheadWorkOf`). */
  aheadWork: AheadWork[];
  /** How many jobs ahead `aheadWork` covers: `min(ahead, aheadWorkLimit)`, or 0 when `ahead` is null. */
  aheadWorkOf: number;
  /** Each job ahead in claim order, when `ahead <= aheadListLimit`; otherwise null. */
  aheadJobs: Array<{ name: string; size: number | null }> | null;
  /**
   * The scheduled jobs (`queued`, `runAt > now`) of the queue whose priority is higher than the
   * job's, grouped or not: each will be claimed before the job if it comes due before the job
   * starts. The first `dueAheadLimit` of them by (`runAt`, `seq`); empty unless `ahead` is not
   * null (the job is queued and ready).
   */
  dueAhead: DueAhead[];
  running: RunningSample[];
  recent: FinishedSample[];
  config: QueueConfig;
  liveWorkers: WorkerInfo[];
  /**
   * The job's own group, when `ahead` is not null and the job has a group (absent otherwise, and
   * from storages without the `groups` capability): what bounds the job's start when the queue
   * has a `groupConcurrency`, read in the same snapshot as `ahead`.
   */
  group?: GroupStanding | undefined;
}

/** A named group as one of its queued jobs sees it. */
export interface GroupStanding {
  name: string;
  /** The group's ready jobs at the job's level that sort before it: its rank in the rotation. */
  rank: number;
  /**
   * The group's ready jobs at higher levels (all claimed before it, on the group's own slots and
   * tokens), counted to at most the read's `aheadWorkLimit`. Absent from a storage built against
   * an older core: then 0.
   */
  higher?: number | undefined;
  /** The group's running jobs, across every level. */
  running: number;
  /**
   * The group's starts logged inside the window of the queue's `groupRateLimit` at the read's
   * `now` (any order), when the queue has one; absent otherwise. Bounds the job's start as the
   * queue's own starts bound it under `rateLimit`.
   */
  starts?: number[] | undefined;
}

/** Counts and throughput for one queue. */
export interface StatsParams {
  queue: string;
  now: number;
  /** Throughput windows, e.g. `[60_000, 300_000, 3_600_000]`. */
  windowsMs: number[];
  sampleLimit: number;
  workerStaleMs: number;
}

/** Raw statistics; core derives rates and percentiles from them. */
export interface RawQueueStats {
  counts: Record<JobState, number> & { ready: number; scheduled: number };
  windows: Array<{ windowMs: number; completed: number; failed: number }>;
  recent: FinishedSample[];
  liveWorkers: WorkerInfo[];
  config: QueueConfig;
}

/** Lists jobs of one queue, newest `seq` first unless `order` says otherwise. */
export interface ListParams {
  queue: string;
  states?: JobState[] | undefined;
  limit: number;
  offset?: number | undefined;
  order?: 'asc' | 'desc';
  /**
   * Keyset paging: only jobs whose `seq` is after this one in `order` (greater for `asc`, smaller
   * for `desc`); `offset` then counts from there. Lets a reader walk a long queue page by page
   * (passing the last item's `seq`) at a cost that does not grow with how far it has gone.
   */
  afterSeq?: number | undefined;
}

/**
 * A page of a queue's ungrouped queued jobs in claim order (`listWaiting`): the jobs ready at
 * `now` by the ordering rule (priority descending, then `runAt`, then `seq`), then the jobs
 * scheduled after `now` by (`runAt`, priority descending, `seq`), the order they will come due
 * and be claimed in. `offset` jobs are skipped from the front, then at most `limit` listed.
 */
export interface ListWaitingParams {
  queue: string;
  now: number;
  /** From 0 to `MAX_WAITING_OFFSET`. */
  offset: number;
  /** From 1 to `MAX_LIST_LIMIT`. */
  limit: number;
}

/** Lists the named groups of one queue, by name, a page at a time (`listGroups`). */
export interface ListGroupsParams {
  queue: string;
  /** The read's clock: a queued job is ready when its `runAt <= now`, else scheduled. */
  now: number;
  /** Only groups whose name sorts after this one (the last name of the page before); absent: from the first. */
  after?: string | undefined;
  /** Most groups in the page, at least 1. */
  limit: number;
}

/** A named group of a queue, as `listGroups` counts it in one consistent read. */
export interface GroupCounts {
  group: string;
  /** Queued jobs of the group due at the read's `now`, at every level. */
  ready: number;
  /** Queued jobs of the group due later. */
  scheduled: number;
  /** The group's running jobs. */
  running: number;
  /** The group's stored weight, or 1. */
  weight: number;
}

/** One page of groups; `nextAfter` is the name to pass as `after` for the next page, null on the last. */
export interface GroupsPage {
  items: GroupCounts[];
  nextAfter: string | null;
}

/** One page of a listing; `nextOffset` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextOffset: number | null;
}

/**
 * The reads. None changes a job or a config (a storage may tidy its own indexes, as Redis moves a
 * due job into its ready set).
 */
export interface StorageReads {
  /** The stored config, or null for a queue never created. */
  getQueue(name: string): Promise<QueueConfig | null>;
  /**
   * Every queue ever configured or added to, sorted by name (code-unit order): what an operator's
   * `stats` without a queue and an export of every queue start from. Reads configuration only.
   */
  listQueues(): Promise<QueueConfig[]>;
  /** The stored job of `p.queue`; null for an unknown id or a job of another queue. */
  getJob(p: JobRef): Promise<JobRecord | null>;
  /**
   * The job's 1-based position among ready jobs, or null when it is not queued and ready or not a
   * job of `p.queue`. Index-only where the storage allows.
   */
  getPosition(p: JobRef & { now: number }): Promise<number | null>;
  /** What a position and ETA are computed from; null for an unknown id or a job of another queue. */
  getPositionInputs(p: PositionParams): Promise<PositionInputs | null>;
  /** Counts by state (queued split into ready and scheduled), windows by finish time, recent samples, live workers. */
  getStats(p: StatsParams): Promise<RawQueueStats>;
  /** One page of a queue's jobs by `seq`, filtered by state; jobs of other queues never appear. */
  listJobs(p: ListParams): Promise<Page<JobRecord>>;
  /**
   * A page of the queue's ungrouped queued jobs in claim order (see {@link ListWaitingParams}):
   * what views of "the next jobs" show. Jobs of a named group are never listed (their order is
   * the groups' rotation, which core deals). Costs O(offset + limit) reads, whatever the queue's
   * length; a scheduled page may sort the queue's scheduled jobs. Optional: without it, core
   * orders the oldest queued jobs itself (`waitingInClaimOrder`).
   */
  listWaiting?(p: ListWaitingParams): Promise<JobRecord[]>;
}
