/**
 * The rate limit's share of an ETA: a queue limited to `max` starts per `intervalMs` cannot start
 * the job at position p before p more tokens have freed, however many slots are idle. Pure; used
 * by `eta.ts` as a lower bound on the start.
 * @module
 */
import type { QueueRateLimit } from './rate-limit.js';
import type { PositionInputs } from './storage-reads.js';

/**
 * The earliest time, in ms from `now`, at which the `k`-th start from now (k >= 1) can happen
 * under `limit`, given the `starts` already made (any order; those at or before
 * `now - intervalMs` no longer count). Exact for the sliding-window rule: start i may happen once
 * the start `max` places before it in the whole sequence has left the window, so the first `max`
 * future starts wait for the logged ones and every later one comes `intervalMs` after the start
 * `max` places before it. O(min(k, max)) steps, whatever k.
 */
export function rateLimitedStartMs(limit: QueueRateLimit, starts: readonly number[], k: number, now: number): number {
  if (!(k >= 1)) return 0;
  const past = starts.filter((at) => at > now - limit.intervalMs).sort((a, b) => a - b);
  const first: number[] = [];
  const steps = Math.min(k, limit.max);
  for (let i = 1; i <= steps; i++) {
    // The start `max` places before this one: a logged one, or none (the window has room).
    const before = past.length + i - 1 - limit.max;
    const at = before >= 0 ? Math.max(now, (past[before] as number) + limit.intervalMs) : now;
    first.push(Math.max(at, first[i - 2] ?? now));
  }
  const cycles = Math.floor((k - 1) / limit.max);
  const base = first[(k - 1) % limit.max] as number;
  return base + cycles * limit.intervalMs - now;
}

/**
 * The rate limit's lower bound on when the queued job of `inputs` starts, in ms from `now`: 0
 * without a limit or for a job not ready yet (its `ahead` is null). The starts already made are
 * read from the running jobs and the recent finished samples (`startedAt`), so with more starts
 * in the window than samples kept, the bound is low, never high.
 */
export function rateLimitStartBound(inputs: Pick<PositionInputs, 'config' | 'ahead' | 'running' | 'recent'>, now: number): number {
  const limit = inputs.config.rateLimit ?? null;
  if (limit === null || inputs.ahead === null) return 0;
  const starts = [...inputs.running.map((r) => r.startedAt), ...inputs.recent.map((s) => s.startedAt)];
  return rateLimitedStartMs(limit, starts, inputs.ahead + 1, now);
}

/**
 * The group rate limit's lower bound on when the queued job of `inputs` starts, in ms from `now`:
 * its group's jobs ahead (`higher` levels and its `rank`) and then the job itself each need a token of the group's window,
 * after the group's logged `starts`. 0 without a `groupRateLimit` or without `inputs.group`
 * (ungrouped, not ready, or a storage that does not report it). Exact for the group's own tokens;
 * the queue's limits and slots can only make the start later.
 */
export function groupRateStartBound(inputs: Pick<PositionInputs, 'config' | 'group'>, now: number): number {
  const limit = inputs.config.groupRateLimit ?? null;
  const group = inputs.group;
  if (limit === null || group === undefined) return 0;
  return rateLimitedStartMs(limit, group.starts ?? [], (group.higher ?? 0) + group.rank + 1, now);
}
