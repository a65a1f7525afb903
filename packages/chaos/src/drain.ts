/**
 * Small helpers the drain scenarios share: adding many jobs, reading a queue's final states
 * through the public API, waiting on the fleet's ledger.
 * @internal
 */
import type { JobRecord, Queue } from '@waitline/core';
import type { Fleet } from './fleet.js';
import { waitFor } from './servers.js';

/** Adds `count` jobs in bulks of 1,000; returns their ids. */
export async function addJobs(queue: Queue, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1_000) {
    const jobs = await queue.addBulk(Array.from({ length: Math.min(1_000, count - i) }, (_, k) => ({ payload: { n: i + k } })));
    ids.push(...jobs.map((j) => j.id));
  }
  return ids;
}

/** Every job of the queue, paged through `listJobs`. */
export async function allJobs(queue: Queue): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page = await queue.listJobs({ limit: 1_000, offset, order: 'asc' });
    out.push(...page.items);
    offset = page.nextOffset;
  }
  return out;
}

/** How many jobs of each state. */
export function stateCounts(jobs: readonly JobRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const j of jobs) counts[j.state] = (counts[j.state] ?? 0) + 1;
  return counts;
}

/** Outcomes stored for `queue` as the fleet heard them. */
export function settledCount(fleet: Fleet, queue: string): number {
  return fleet.runs.filter((r) => r.queue === queue && r.settled !== null).length;
}

/** Waits until the fleet heard `n` stored outcomes for `queue`. */
export function untilSettled(fleet: Fleet, queue: string, n: number, timeoutMs: number): Promise<void> {
  return waitFor(() => settledCount(fleet, queue) >= n, `${n} stored outcomes in ${queue}`, timeoutMs, 20);
}

/** Waits until every job of the queue is in a final state, reading through the queue (retrying while the server is down). */
export function untilAllFinal(queue: Queue, total: number, timeoutMs: number): Promise<void> {
  return waitFor(
    async () => {
      try {
        const c = (await queue.getStats()).counts;
        return c.completed + c.failed + c.cancelled >= total;
      } catch {
        return false;
      }
    },
    `${total} jobs of ${queue.name} in a final state`,
    timeoutMs,
    200,
  );
}
