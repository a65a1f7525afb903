/**
 * Claiming in memory: pause, global concurrency and the ordering rule.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { JobRecord } from '../job-record.js';
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

/**
 * Leases up to `p.limit` ready jobs (`queued`, `runAt <= now`) in claim order; none while the
 * queue is paused, never more than its concurrency minus its running jobs. Each gets its own
 * token, `attempt + 1`, `startedAt = now`, `leaseExpiresAt = now + leaseMs`; the previous
 * attempt's progress, finish time and any stale cancel request are cleared. Returns copies in
 * claim order. @internal
 */
export function claimReady(store: MemoryStore, p: ClaimParams): JobRecord[] {
  const wanted = Math.floor(p.limit);
  if (!(wanted > 0)) return [];
  const limit = freeSlots(store, p.queue, wanted);
  if (limit === 0) return [];
  const token = randomUUID();
  const jobs = store.queueJobs(p.queue).waiting.ready(p.now, limit);
  for (const job of jobs) {
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
  return jobs.map(copyJob);
}
