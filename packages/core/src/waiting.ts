/**
 * Waiting jobs in the order they will start, for views that show "the next jobs": ready jobs by
 * the ordering rule, then scheduled jobs by run time.
 * @module
 */
import type { JobRecord } from './job-record.js';
import { compareJobOrder } from './ordering.js';
import type { Page } from './storage-reads.js';

/** The part of a `Queue` that {@link waitingInClaimOrder} reads. */
export interface WaitingSource {
  /** As `Queue.listJobs`. */
  listJobs(options: { states: ['queued']; limit: number; order: 'asc' }): Promise<Page<JobRecord>>;
}

/** Most queued jobs {@link waitingInClaimOrder} reads unless told otherwise. */
export const WAITING_SCAN = 1_000;

/**
 * Queued jobs in claim order at `now`: ready ones by the ordering rule (priority, `runAt`, `seq`),
 * then scheduled ones by run time. It orders the oldest `scan` queued jobs (by insertion), so with
 * more waiting than that, a newer job that outranks them all can be missing from the list; each
 * job's exact position is still what `getStatus` answers. One storage read.
 */
export async function waitingInClaimOrder(source: WaitingSource, options: { now: number; scan?: number }): Promise<JobRecord[]> {
  const page = await source.listJobs({ states: ['queued'], limit: options.scan ?? WAITING_SCAN, order: 'asc' });
  const ready = page.items.filter((j) => j.runAt <= options.now).sort(compareJobOrder);
  const scheduled = page.items.filter((j) => j.runAt > options.now).sort((a, b) => a.runAt - b.runAt || a.seq - b.seq);
  return [...ready, ...scheduled];
}
