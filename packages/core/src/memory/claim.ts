/**
 * Claiming in memory: pause, global concurrency, the rate limit and the ordering rule.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_GROUP, rotationGroup } from '../group-rotation.js';
import type { JobRecord } from '../job-record.js';
import { rateLimitCap } from '../rate-limit.js';
import type { ClaimParams } from '../storage.js';
import { copyJob } from './copy.js';
import type { MemoryStore } from './store.js';

/** How many jobs the queue lets this claim start: 0 when paused or at its concurrency. */
function freeSlots(store: MemoryStore, queue: string, wanted: number): number {
  const config = store.queues.get(queue);
  if (config === undefined) return wanted;
  if (config.paused) return 0;
  if (config.concurrency === null) return wanted;
  return Math.min(wanted, Math.max(0, config.concurrency - store.queueJobs(queue).running.size));
}

/** What a claim leased, and when the rate limit held it back, when the next start may happen. @internal */
export interface MemoryClaim {
  jobs: JobRecord[];
  nextStartAt?: number;
}

/**
 * Caps `limit` by the queue's rate limit at `now`, trimming the log of starts that no longer
 * count. Returns the cap and, when it is below `limit`, when the next token frees.
 */
function rateCap(store: MemoryStore, queue: string, limit: number, now: number): { limit: number; nextStartAt?: number } {
  const rate = store.queues.get(queue)?.rateLimit ?? null;
  if (rate === null) return { limit };
  const log = (store.rateStarts.get(queue) ?? []).filter((at) => at > now - rate.intervalMs);
  store.rateStarts.set(queue, log);
  return rateLimitCap(rate, log, now, limit);
}

/**
 * Leases up to `p.limit` ready jobs (`queued`, `runAt <= now`) in claim order; none while the
 * queue is paused, never more than its concurrency minus its running jobs nor than its rate
 * limit's tokens (each start is logged). Each gets its own token, `attempt + 1`,
 * `startedAt = now`, `leaseExpiresAt = now + leaseMs`; the previous attempt's progress, finish
 * time and any stale cancel request are cleared. Returns copies in claim order, and
 * `nextStartAt` when the rate limit held the claim back. @internal
 */
export function claimLimited(store: MemoryStore, p: ClaimParams): MemoryClaim {
  const wanted = Math.floor(p.limit);
  if (!(wanted > 0)) return { jobs: [] };
  const free = freeSlots(store, p.queue, wanted);
  if (free === 0) return { jobs: [] };
  const { limit, nextStartAt } = rateCap(store, p.queue, free, p.now);
  // Reported only when the limit, not a lack of ready jobs, is what stopped the claim.
  const result = (jobs: JobRecord[]): MemoryClaim => (nextStartAt === undefined || jobs.length < limit ? { jobs } : { jobs, nextStartAt });
  if (limit === 0) return result([]);
  const token = randomUUID();
  const { waiting, groups } = store.queueJobs(p.queue);
  const jobs = groups.grouped ? claimGrouped(store, p, limit, token) : waiting.ready(p.now, limit);
  if (!groups.grouped) for (const job of jobs) lease(store, job, p, token);
  store.rateStarts.get(p.queue)?.push(...jobs.map(() => p.now));
  return result(jobs.map(copyJob));
}

/** Makes a queued job `running` under a fresh lease of this claim. */
function lease(store: MemoryStore, job: JobRecord, p: ClaimParams, token: string): void {
  store.setState(job, 'running');
  job.attempt += 1;
  job.startedAt = p.now;
  job.finishedAt = null;
  job.leaseToken = `${token}:${job.seq}`;
  job.leaseExpiresAt = p.now + p.leaseMs;
  job.workerId = p.workerId;
  job.cancelRequested = false;
  job.progress = null;
}

/**
 * Up to `limit` jobs of a grouped queue in turn order (see `group-rotation.ts`), leased one by
 * one: each pick is the ready head, at the highest level holding a ready job of a group below its
 * `groupConcurrency`, of such a group whose turn comes first; that group then goes to the back of
 * the level, or leaves it when empty. A capped group is skipped and keeps its turn.
 */
function claimGrouped(store: MemoryStore, p: ClaimParams, limit: number, token: string): JobRecord[] {
  const { groups } = store.queueJobs(p.queue);
  const cap = store.queues.get(p.queue)?.groupConcurrency ?? null;
  const running = cap === null ? new Map<string, number>() : runningByGroup(store, p.queue);
  const held = (group: string) => cap !== null && group !== DEFAULT_GROUP && (running.get(group) ?? 0) >= cap;
  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    const job = groups.nextPick(p.now, held);
    if (job === undefined) break;
    lease(store, job, p, token);
    groups.served(job);
    const group = rotationGroup(job.group);
    running.set(group, (running.get(group) ?? 0) + 1);
    jobs.push(job);
  }
  return jobs;
}

/** The queue's running jobs counted by group. @internal */
export function runningByGroup(store: MemoryStore, queue: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of store.queueJobs(queue).running.values()) {
    const group = rotationGroup(job.group);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}

/** {@link claimLimited} without the rate limit's report. @internal */
export function claimReady(store: MemoryStore, p: ClaimParams): JobRecord[] {
  return claimLimited(store, p).jobs;
}
