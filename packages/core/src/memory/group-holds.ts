/**
 * What holds a named group back in one grouped claim in memory: the queue's `groupConcurrency`
 * (its running jobs) and its `groupRateLimit` (its starts in the window). Ungrouped jobs are
 * never held.
 * @module
 * @internal
 */
import { DEFAULT_GROUP, rotationGroup } from '../group-rotation.js';
import { type QueueRateLimit, rateLimitState } from '../rate-limit.js';
import type { MemoryStore } from './store.js';

/** The queue's running jobs counted by group. @internal */
export function runningByGroup(store: MemoryStore, queue: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of store.queueJobs(queue).running.values()) {
    const group = rotationGroup(job.group);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}

/** The most stale group logs one claim forgets. */
const SWEEP_GROUPS = 8;

/**
 * The holds of one claim at `now`, kept in step with its picks ({@link took}). Records, for a
 * group passed over for want of a token only, when its next token frees: the claim reports the
 * earliest as `nextStartAt` when it comes back short.
 * @internal
 */
export class GroupHolds {
  private readonly cap: number | null;
  private readonly running: Map<string, number>;
  private readonly rate: QueueRateLimit | null;
  private readonly logs: Map<string, number[]>;
  private earliest: number | undefined;

  constructor(
    store: MemoryStore,
    queue: string,
    private readonly now: number,
  ) {
    const config = store.queues.get(queue);
    this.cap = config?.groupConcurrency ?? null;
    this.running = this.cap === null ? new Map() : runningByGroup(store, queue);
    this.rate = config?.groupRateLimit ?? null;
    let logs = store.groupStarts.get(queue);
    if (logs === undefined) {
      logs = new Map();
      if (this.rate !== null) store.groupStarts.set(queue, logs);
    }
    this.logs = logs;
    if (this.rate !== null) this.sweep(this.rate);
  }

  /**
   * Forgets the logs of up to {@link SWEEP_GROUPS} groups whose every start left the window. The
   * logs are kept in the order of their last start ({@link took} moves a group to the end), so
   * the stalest come first and the sweep stops at the first that still counts: a group that
   * stopped starting jobs does not keep its log for ever.
   */
  private sweep(rate: QueueRateLimit): void {
    let swept = 0;
    for (const [group, log] of this.logs) {
      if (swept >= SWEEP_GROUPS || (log.at(-1) ?? Number.NEGATIVE_INFINITY) > this.now - rate.intervalMs) break;
      this.logs.delete(group);
      swept += 1;
    }
  }

  /** True when `group` may not start a job now: at its cap, or without a token (then its next token is noted). */
  held = (group: string): boolean => {
    if (group === DEFAULT_GROUP) return false;
    if (this.cap !== null && (this.running.get(group) ?? 0) >= this.cap) return true;
    if (this.rate === null) return false;
    const { tokens, nextAt } = rateLimitState(this.rate, this.logOf(group), this.now);
    if (tokens > 0) return false;
    this.earliest = Math.min(this.earliest ?? nextAt, nextAt);
    return true;
  };

  /** The claim started a job of `group` (a stored value, `null` for ungrouped): count it and log the start. */
  took(group: string | null): void {
    const name = rotationGroup(group);
    if (name === DEFAULT_GROUP) return;
    this.running.set(name, (this.running.get(name) ?? 0) + 1);
    if (this.rate === null) return;
    const log = this.logOf(name);
    log.push(this.now);
    this.logs.delete(name);
    this.logs.set(name, log);
  }

  /** When the first group passed over for a token gets one again; undefined when none was. */
  get nextTokenAt(): number | undefined {
    return this.earliest;
  }

  /** The group's log, trimmed to the starts that still count (a new array when it had none). */
  private logOf(group: string): number[] {
    const interval = this.rate?.intervalMs ?? 0;
    const log = (this.logs.get(group) ?? []).filter((at) => at > this.now - interval);
    // Kept in place (the order of last starts); an emptied log is forgotten.
    if (log.length > 0) this.logs.set(group, log);
    else this.logs.delete(group);
    return log;
  }
}
