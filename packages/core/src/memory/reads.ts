/**
 * Reads in memory: position and ETA inputs, statistics, listings. None writes; each reads the
 * store in one synchronous step, so it is one consistent snapshot.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import { compareScheduledOrder } from '../ordering.js';
import { JOB_STATES } from '../state.js';
import type { JobRef } from '../storage.js';
import type {
  AheadWork,
  FinishedSample,
  ListParams,
  ListWaitingParams,
  Page,
  PositionInputs,
  PositionParams,
  RawQueueStats,
  RunningSample,
  StatsParams,
  WorkerInfo,
} from '../storage-reads.js';
import { copyConfig, copyJob, copyWorker } from './copy.js';
import { type KeptSample, mergeRecentSamples, sampleOfJob } from '../retention/samples.js';
import type { MemoryStore } from './store.js';
import { groupedAhead, groupedAheadInputs, groupStanding } from './group-reads.js';

/** Ready jobs ahead of `job` (position - 1), or null unless it is queued and ready. */
function readyAhead(store: MemoryStore, job: JobRecord, now: number): number | null {
  if (job.state !== 'queued' || job.runAt > now) return null;
  const jobs = store.queueJobs(job.queue);
  return jobs.groups.grouped ? groupedAhead(store, job, now).ahead : jobs.waiting.readyAhead(job, now);
}

/** 1 + the ready jobs ahead by the ordering rule, or null unless a queued, ready job of `p.queue`. @internal */
export function readPosition(store: MemoryStore, p: JobRef & { now: number }): number | null {
  const job = store.jobOf(p.queue, p.id);
  const ahead = job === undefined ? null : readyAhead(store, job, p.now);
  return ahead === null ? null : ahead + 1;
}

/** The work ahead grouped by job name (sorted by name), over the first `ahead` ready jobs. */
function aheadWork(jobs: readonly JobRecord[]): AheadWork[] {
  const byName = new Map<string, AheadWork>();
  for (const job of jobs) {
    const work = byName.get(job.name) ?? { name: job.name, count: 0, sizedCount: 0, sizeSum: 0 };
    work.count += 1;
    if (job.size !== null) {
      work.sizedCount += 1;
      work.sizeSum += job.size;
    }
    byName.set(job.name, work);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The queue's running jobs as the ETA sees them, oldest start first. */
function runningSamples(store: MemoryStore, queue: string): RunningSample[] {
  const jobs = [...store.runningJobs(queue)].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.seq - b.seq);
  return jobs.map((j) => ({ id: j.id, name: j.name, size: j.size, startedAt: j.startedAt ?? 0, progressPercent: j.progress?.percent ?? null }));
}

/** The last `limit` completed or failed jobs of the queue that ever started, with the kept samples of pruned ones, newest finish first. */
function recentFinished(store: MemoryStore, queue: string, limit: number): FinishedSample[] {
  if (!(limit > 0)) return [];
  const fromJobs: KeptSample[] = [];
  for (const job of store.queueJobs(queue).all.values()) {
    const sample = sampleOfJob(job);
    if (sample !== null) fromJobs.push(sample);
  }
  return mergeRecentSamples(fromJobs, store.samplesOf(queue), Math.floor(limit));
}

/** Workers of the queue seen within `staleMs` of `now`, oldest start first. */
function liveWorkers(store: MemoryStore, queue: string, now: number, staleMs: number): WorkerInfo[] {
  const since = now - staleMs;
  const live = [...store.workers.values()].filter((w) => w.queue === queue && w.lastSeenAt >= since);
  live.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return live.map(copyWorker);
}

/** The ready jobs ahead of `job` (null unless ready), the first of them the ETA groups, and all of them when few enough to list. */
function jobsAhead(store: MemoryStore, job: JobRecord, p: PositionParams): { ahead: number | null; work: JobRecord[]; list: JobRecord[] | null } {
  const ahead = readyAhead(store, job, p.now);
  if (ahead !== null && store.queueJobs(job.queue).groups.grouped) return groupedAheadInputs(store, job, p);
  const read = Math.min(ahead ?? 0, Math.max(p.aheadWorkLimit, p.aheadListLimit));
  const jobs = read === 0 ? [] : store.queueJobs(job.queue).waiting.ready(p.now, read);
  return { ahead, work: jobs.slice(0, p.aheadWorkLimit), list: ahead === null || ahead > p.aheadListLimit ? null : jobs };
}

/** Everything a job's position and ETA are computed from; null for an unknown id or another queue's job. @internal */
export function readPositionInputs(store: MemoryStore, p: PositionParams): PositionInputs | null {
  const job = store.jobOf(p.queue, p.id);
  if (job === undefined) return null;
  const { ahead, work, list } = jobsAhead(store, job, p);
  return {
    job: copyJob(job),
    ahead,
    aheadWork: aheadWork(work),
    aheadWorkOf: work.length,
    aheadJobs: list === null ? null : list.map((j) => ({ name: j.name, size: j.size })),
    dueAhead:
      ahead === null
        ? []
        : store
            .queueJobs(job.queue)
            .waiting.dueAbove(job.priority, p.now, p.dueAheadLimit)
            .map((j) => ({ name: j.name, size: j.size, runAt: j.runAt })),
    running: runningSamples(store, job.queue),
    recent: recentFinished(store, job.queue, p.sampleLimit),
    config: copyConfig(store.configOf(job.queue)),
    liveWorkers: liveWorkers(store, job.queue, p.now, p.workerStaleMs),
    ...groupStanding(store, job, ahead, p),
  };
}

/** Counts by state, with queued split into ready and scheduled. */
function stateCounts(store: MemoryStore, queue: string, now: number): RawQueueStats['counts'] {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as RawQueueStats['counts'];
  counts.ready = 0;
  for (const job of store.queueJobs(queue).all.values()) {
    counts[job.state] += 1;
    if (job.state === 'queued' && job.runAt <= now) counts.ready += 1;
  }
  counts.scheduled = counts.queued - counts.ready;
  return counts;
}

/** Completed and failed counts per window (finished at or after `now - windowMs`). */
function windowCounts(store: MemoryStore, p: StatsParams): RawQueueStats['windows'] {
  const windows = p.windowsMs.map((windowMs) => ({ windowMs, completed: 0, failed: 0 }));
  for (const job of store.queueJobs(p.queue).all.values()) {
    if ((job.state !== 'completed' && job.state !== 'failed') || job.finishedAt === null) continue;
    for (const w of windows) if (job.finishedAt >= p.now - w.windowMs) w[job.state] += 1;
  }
  return windows;
}

/** Counts, throughput windows, recent finishes, live workers and the configuration. @internal */
export function readStats(store: MemoryStore, p: StatsParams): RawQueueStats {
  return {
    counts: stateCounts(store, p.queue, p.now),
    windows: windowCounts(store, p),
    recent: recentFinished(store, p.queue, p.sampleLimit),
    liveWorkers: liveWorkers(store, p.queue, p.now, p.workerStaleMs),
    config: copyConfig(store.configOf(p.queue)),
  };
}

/** One page of the queue's jobs in `p.states` (all when absent), by `seq` descending unless `order: 'asc'`. @internal */
export function listJobs(store: MemoryStore, p: ListParams): Page<JobRecord> {
  const limit = Math.max(0, Math.floor(p.limit));
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  const states = new Set<string>(p.states ?? JOB_STATES);
  const after = p.afterSeq;
  const beyond = (j: JobRecord) => after === undefined || (p.order === 'asc' ? j.seq > after : j.seq < after);
  const matching = [...store.queueJobs(p.queue).all.values()].filter((j) => states.has(j.state) && beyond(j));
  if (p.order !== 'asc') matching.reverse();
  const items = matching.slice(offset, offset + limit).map(copyJob);
  return { items, nextOffset: limit > 0 && matching.length > offset + limit ? offset + limit : null };
}

/**
 * The queue's ungrouped queued jobs in claim order (see `ListWaitingParams`): the ready ones as
 * the sorted waiting list holds them, then the scheduled ones by (`runAt`, priority descending,
 * `seq`). Stops reading at the page's end while the ready jobs fill it. @internal
 */
export function listWaiting(store: MemoryStore, p: ListWaitingParams): JobRecord[] {
  const want = p.offset + p.limit;
  const ready: JobRecord[] = [];
  const scheduled: JobRecord[] = [];
  for (const job of store.queueJobs(p.queue).waiting.inOrder()) {
    if (job.group !== null) continue;
    if (job.runAt > p.now) scheduled.push(job);
    else if (ready.push(job) >= want) break;
  }
  if (ready.length < want) ready.push(...scheduled.sort(compareScheduledOrder));
  return ready.slice(p.offset, want).map(copyJob);
}
