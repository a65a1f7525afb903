/**
 * A queue's waiting jobs kept sorted by the ordering rule, so a claim and a position read walk
 * from the front instead of sorting every job each time.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import { compareJobOrder, type OrderKey } from '../ordering.js';

/**
 * The `queued` jobs of one queue (ready and scheduled), in claim order: priority descending, then
 * `runAt`, then `seq` (see `ordering.ts`). The order key of a job must not change while it is in
 * here: remove it, change it, insert it again.
 * @internal
 */
export class SortedJobs {
  private readonly items: JobRecord[] = [];

  /** How many jobs are waiting, ready or scheduled. */
  get size(): number {
    return this.items.length;
  }

  /** The job that sorts first, ready or not; undefined when empty. */
  first(): JobRecord | undefined {
    return this.items[0];
  }

  /** Adds a job at its place; a job appended behind every other (the usual add) costs O(log n). */
  insert(job: JobRecord): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || compareJobOrder(last, job) < 0) {
      this.items.push(job);
      return;
    }
    this.items.splice(this.lowerBound(job), 0, job);
  }

  /** Removes a job (found by its order key, which is unique because `seq` is); false when absent. */
  remove(job: JobRecord): boolean {
    const at = this.lowerBound(job);
    if (this.items[at] !== job) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** The ready jobs (`runAt <= now`) in claim order, at most `limit` of them. */
  ready(now: number, limit: number): JobRecord[] {
    const out: JobRecord[] = [];
    for (const job of this.items) {
      if (out.length >= limit) break;
      if (job.runAt <= now) out.push(job);
    }
    return out;
  }

  /**
   * The scheduled jobs (`runAt > now`) with a priority above `priority`, by (`runAt`, `seq`), at
   * most `limit` of them. They sort first in here, so the walk stops at the first lower level.
   */
  dueAbove(priority: number, now: number, limit: number): JobRecord[] {
    if (!(limit > 0)) return [];
    const out: JobRecord[] = [];
    for (const job of this.items) {
      if (job.priority <= priority) break;
      if (job.runAt > now) out.push(job);
    }
    return out.sort((a, b) => a.runAt - b.runAt || a.seq - b.seq).slice(0, limit);
  }

  /** How many ready jobs sort before `key` (a job in here, or any order key): its position minus one. */
  readyAhead(key: OrderKey, now: number): number {
    const end = this.lowerBound(key);
    let ahead = 0;
    for (let i = 0; i < end; i++) if ((this.items[i] as JobRecord).runAt <= now) ahead += 1;
    return ahead;
  }

  /** The first index whose job does not sort before `job`. */
  private lowerBound(job: OrderKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareJobOrder(this.items[mid] as JobRecord, job) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
