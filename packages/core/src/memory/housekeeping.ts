/**
 * Housekeeping in memory: the stored retention policy, the housekeeping lease and the bounded
 * prune. Each call runs in one synchronous step, so the lease's compare-and-set is atomic.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import type { HousekeepingLease, HousekeepingLeaseParams, PruneFinishedParams, SetRetentionParams } from '../housekeeping-params.js';
import type { RetentionPolicy } from '../retention/policy.js';
import type { MemoryStore } from './store.js';

/** The queue's housekeeping entry, created empty on first use. */
function entryOf(store: MemoryStore, queue: string) {
  let entry = store.housekeeping.get(queue);
  if (entry === undefined) {
    entry = { retention: null, holder: null, expiresAt: 0 };
    store.housekeeping.set(queue, entry);
  }
  return entry;
}

/** Stores the queue's retention policy. @internal */
export function setRetention(store: MemoryStore, p: SetRetentionParams): void {
  entryOf(store, p.queue).retention = p.retention === null ? null : structuredClone(p.retention);
}

/** The stored policy (a copy), or null; creates nothing. @internal */
export function getRetention(store: MemoryStore, queue: string): RetentionPolicy | null {
  const retention = store.housekeeping.get(queue)?.retention ?? null;
  return retention === null ? null : structuredClone(retention);
}

/** Takes the lease when free, expired or already `p.holder`'s; answers the stored policy. @internal */
export function takeHousekeepingLease(store: MemoryStore, p: HousekeepingLeaseParams): HousekeepingLease {
  const entry = entryOf(store, p.queue);
  const held = entry.holder === null || entry.holder === p.holder || entry.expiresAt <= p.now;
  if (held) {
    entry.holder = p.holder;
    entry.expiresAt = p.now + p.leaseMs;
  }
  return { held, retention: entry.retention === null ? null : structuredClone(entry.retention) };
}

/** Deletes one batch (oldest first) of the state's jobs that `p` selects, keeping their samples first. @internal */
export function pruneFinished(store: MemoryStore, p: PruneFinishedParams): number {
  const finished: JobRecord[] = [];
  for (const job of store.queueJobs(p.queue).all.values()) {
    if (job.state === p.state && job.finishedAt !== null && (p.olderThan === null || job.finishedAt < p.olderThan)) finished.push(job);
  }
  finished.sort((a, b) => (b.finishedAt as number) - (a.finishedAt as number) || b.seq - a.seq);
  const doomed = finished
    .slice(p.keepNewest ?? 0)
    .reverse()
    .slice(0, p.limit);
  store.keepSamples(p.queue, doomed, p.sampleLimit);
  for (const job of doomed) store.delete(job);
  return doomed.length;
}
