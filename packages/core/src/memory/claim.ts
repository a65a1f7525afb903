/**
 * Claiming in memory: pause, global concurrency, the rate limits and the ordering rule.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { JobRecord } from '../job-record.js';
import { rateLimitCap } from '../rate-limit.js';
import type { ClaimParams } from '../storage.js';
import { copyJob } from './copy.js';
import { GroupHolds } from './group-holds.js';
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
  if (limit === 0) return nextStartAt === undefined ? { jobs: [] } : { jobs: [], nextStartAt };
  const token = randomUUID();
  const { waiting, groups } = store.queueJobs(p.queue);
  const claimed = groups.grouped ? claimGrouped(store, p, limit, token) : { jobs: waiting.ready(p.now, limit) };
  if (!groups.grouped) for (const job of claimed.jobs) lease(store, job, p, token);
  store.rateStarts.get(p.queue)?.push(...claimed.jobs.map(() => p.now));
  const jobs = claimed.jobs.map(copyJob);
  // Reported only when a limit, not a lack of ready jobs, is what stopped the claim: the queue's
  // when the claim took all its tokens, else a group's held for want of one.
  if (nextStartAt !== undefined && jobs.length === limit) return { jobs, nextStartAt };
  if (claimed.nextTokenAt !== undefined && jobs.length < limit) return { jobs, nextStartAt: claimed.nextTokenAt };
  return { jobs };
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
 * one: each pick is the ready head, at the highest level holding a ready job of a group not held
 * (see {@link GroupHolds}: its `groupConcurrency` and `groupRateLimit`), of such a group whose
 * turn comes first; that group then goes to the back of the level, or leaves it when empty. A held
 * group is skipped and keeps its turn. Also returns when the first group held for want of a token
 * gets one again.
 */
function claimGrouped(store: MemoryStore, p: ClaimParams, limit: number, token: string): { jobs: JobRecord[]; nextTokenAt?: number } {
  const { groups } = store.queueJobs(p.queue);
  const holds = new GroupHolds(store, p.queue, p.now);
  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    const job = groups.nextPick(p.now, holds.held);
    if (job === undefined) break;
    lease(store, job, p, token);
    groups.served(job);
    holds.took(job.group);
    jobs.push(job);
  }
  const nextTokenAt = holds.nextTokenAt;
  return nextTokenAt === undefined ? { jobs } : { jobs, nextTokenAt };
}

/** {@link claimLimited} without the rate limit's report. @internal */
export function claimReady(store: MemoryStore, p: ClaimParams): JobRecord[] {
  return claimLimited(store, p).jobs;
}
