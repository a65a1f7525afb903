/**
 * A queue's waiting jobs kept sorted by the ordering rule, so a claim and a position read walk
 * from the front instead of sorting every job each time.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import { compareJobOrder, type OrderKey } from '../ordering.js';

/** Cleared slots at the front before a compaction is considered (then: once they are half). */
const COMPACT_AFTER = 1_024;

/**
 * The `queued` jobs of one queue (ready and scheduled), in claim order: priority descending, then
 * `runAt`, then `seq` (see `ordering.ts`). The order key of a job must not change while it is in
 * here: remove it, change it, insert it again.
 * @internal
 */
export class SortedJobs {
  /** The jobs from `head` on; the slots before it are claimed jobs not yet compacted away. */
  private items: Array<JobRecord | undefined> = [];
  private head = 0;

  /** How many jobs are waiting, ready or scheduled. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** The job that sorts first, ready or not; undefined when empty. */
  first(): JobRecord | undefined {
    return this.items[this.head];
  }

  /** Adds a job at its place; a job appended behind every other (the usual add) costs O(log n). */
  insert(job: JobRecord): void {
    const last = this.size > 0 ? this.at(this.items.length - 1) : undefined;
    if (last === undefined || compareJobOrder(last, job) < 0) {
      this.items.push(job);
      return;
    }
    this.items.splice(this.lowerBound(job), 0, job);
  }

  /**
   * Removes a job (found by its order key, which is unique because `seq` is); false when absent.
   * The first job (what a claim takes) leaves in O(1) amortised: its slot is cleared and the
   * array is compacted once the cleared slots are half of it, so draining n jobs costs O(n), not
   * the O(n²) of shifting the whole array at every claim.
   */
  remove(job: JobRecord): boolean {
    const at = this.lowerBound(job);
    if (this.items[at] !== job) return false;
    if (at !== this.head) {
      this.items.splice(at, 1);
      return true;
    }
    this.items[at] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** Every job in here, in claim order (the ordering rule, ready or not). */
  *inOrder(): Generator<JobRecord> {
    for (let i = this.head; i < this.items.length; i++) yield this.at(i);
  }

  /** The ready jobs (`runAt <= now`) in claim order, at most `limit` of them. */
  ready(now: number, limit: number): JobRecord[] {
    const out: JobRecord[] = [];
    for (let i = this.head; i < this.items.length && out.length < limit; i++) {
      const job = this.at(i);
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
    for (let i = this.head; i < this.items.length; i++) {
      const job = this.at(i);
      if (job.priority <= priority) break;
      if (job.runAt > now) out.push(job);
    }
    return out.sort((a, b) => a.runAt - b.runAt || a.seq - b.seq).slice(0, limit);
  }

  /** How many ready jobs sort before `key` (a job in here, or any order key): its position minus one. */
  readyAhead(key: OrderKey, now: number): number {
    const end = this.lowerBound(key);
    let ahead = 0;
    for (let i = this.head; i < end; i++) if (this.at(i).runAt <= now) ahead += 1;
    return ahead;
  }

  /** The job in slot `i`, which must be at or after `head`. */
  private at(i: number): JobRecord {
    return this.items[i] as JobRecord;
  }

  /** The first index (at or after `head`) whose job does not sort before `job`. */
  private lowerBound(job: OrderKey): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareJobOrder(this.at(mid), job) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
