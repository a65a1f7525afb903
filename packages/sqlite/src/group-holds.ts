/**
 * What holds a named group back in one grouped claim: the queue's `groupConcurrency` (the group's
 * running jobs) and its `groupRateLimit` (the group's starts in the window). The default group
 * (ungrouped jobs) is never held. Every statement runs inside the claim's `BEGIN IMMEDIATE`.
 * @module
 * @internal
 */
import { DEFAULT_GROUP, type QueueRateLimit, rateLimitState } from '@waitline/core';
import type { SqliteContext } from './context.js';

/**
 * The holds of one grouped claim at `now`, kept in step with its leases ({@link started}). Each
 * named group's running jobs (with a cap) and its log of starts (with a group rate limit) are
 * read the first time the walk asks about the group, then counted up as the claim leases, so a
 * batch of n counts its own leases as n claims of 1 would. Records, for a group passed over for
 * want of a token with a ready head, when its next token frees ({@link nextTokenAt}).
 * @internal
 */
export class GroupHolds {
  private readonly running = new Map<string, number>();
  private readonly logs = new Map<string, number[]>();
  /** The starts this claim made per named group, logged by {@link logStarts}. */
  private readonly taken = new Map<string, number>();
  private earliest: number | undefined;

  /**
   * @param cap the queue's groupConcurrency, null for no cap
   * @param rate the queue's groupRateLimit, null for none
   */
  constructor(
    private readonly ctx: SqliteContext,
    private readonly queue: string,
    private readonly now: number,
    private readonly cap: number | null,
    private readonly rate: QueueRateLimit | null,
  ) {}

  /**
   * True when a named group holds `cap` running jobs (every level, this claim's leases included).
   * Asked before the group's head is read: a capped group's jobs are not read at all.
   */
  atCap(group: string): boolean {
    return this.cap !== null && group !== DEFAULT_GROUP && this.runningOf(group, this.cap) >= this.cap;
  }

  /**
   * True when a named group has no token left under the group rate limit. Asked only for a group
   * whose head is ready and which is not at its cap: such a group's next token is noted.
   */
  outOfTokens(group: string): boolean {
    if (this.rate === null || group === DEFAULT_GROUP) return false;
    const { tokens, nextAt } = rateLimitState(this.rate, this.logOf(group, this.rate), this.now);
    if (tokens > 0) return false;
    this.earliest = Math.min(this.earliest ?? nextAt, nextAt);
    return true;
  }

  /** The claim leased a job of `group` ('' for ungrouped): counts it against the cap and the rate. */
  started(group: string): void {
    if (group === DEFAULT_GROUP) return;
    if (this.cap !== null) this.running.set(group, this.runningOf(group, this.cap) + 1);
    if (this.rate !== null) {
      this.logOf(group, this.rate).push(this.now);
      this.taken.set(group, (this.taken.get(group) ?? 0) + 1);
    }
  }

  /** Logs this claim's starts: one group-rate-starts-add per named group it leased from (none without a group rate limit). */
  logStarts(): void {
    for (const [grp, count] of this.taken) this.ctx.stmt('groupRateStartsAdd').run({ queue: this.queue, grp, now: this.now, count });
  }

  /** When the first group passed over for want of a token gets one again; undefined when none was. */
  get nextTokenAt(): number | undefined {
    return this.earliest;
  }

  /** The group's running jobs, counted once (group-running, at most `cap` entries of jobs_group_running). */
  private runningOf(grp: string, cap: number): number {
    let n = this.running.get(grp);
    if (n === undefined) {
      n = this.ctx.one('groupRunning', { queue: this.queue, grp, bound: cap }).n;
      this.running.set(grp, n);
    }
    return n;
  }

  /** The group's starts still in the window, read once (group-rate-starts-trim, then group-rate-starts). */
  private logOf(grp: string, rate: QueueRateLimit): number[] {
    let log = this.logs.get(grp);
    if (log === undefined) {
      const params = { queue: this.queue, grp, since: this.now - rate.intervalMs };
      this.ctx.stmt('groupRateStartsTrim').run(params);
      log = this.ctx
        .stmt('groupRateStarts')
        .all(params)
        .map((r) => r.at);
      this.logs.set(grp, log);
    }
    return log;
  }
}
