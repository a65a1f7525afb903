/**
 * The group cap's share of an ETA: in a queue with a `groupConcurrency`, a job cannot start
 * before its own group's jobs ahead of it (those at higher levels, claimed first, and its rank at
 * its own) have run on the group's few slots, however many of the queue's slots are idle. Pure;
 * used by `eta.ts` as a lower bound on the start, as `eta-rate.ts` is for the rate limit.
 * @module
 */
import { minOf, repeat, simulateStart } from './eta.js';
import type { PositionInputs } from './storage-reads.js';

/** What the bound is computed from besides the inputs: the durations the ETA already modelled. */
export interface GroupBoundModel {
  /** The expected run time of the job itself, standing for each of its group's jobs ahead. */
  ownMs: number;
  /** The expected remaining time of each of the queue's running jobs, any order. */
  runningRemainingMs: readonly number[];
  /** The queue's effective capacity (slots). */
  capacity: number;
}

/**
 * The earliest start, in ms from now, the group cap allows for the queued job of `inputs`: its
 * group's jobs ahead (`higher` plus `rank`) run `min(groupConcurrency, capacity)` at a time on slots that its
 * group's `running` jobs hold first (each for the mean remaining time of the queue's running
 * jobs, since a running sample does not name its group), each taking `ownMs`. 0 without a cap or
 * without `inputs.group` (ungrouped, not ready, or a storage that does not report it). A lower
 * bound: the queue-wide simulation, which covers every other group's jobs, can only be later.
 */
export function groupCapStartBound(inputs: Pick<PositionInputs, 'config' | 'group'>, model: GroupBoundModel): number {
  const cap = inputs.config.groupConcurrency ?? null;
  const group = inputs.group;
  if (cap === null || group === undefined) return 0;
  // Slots beyond one per running job of the group, per job of it ahead and one for the job stay idle.
  const ahead = (group.higher ?? 0) + group.rank;
  const slotCount = Math.max(1, Math.min(cap, model.capacity, group.running + ahead + 1));
  const busy = Math.min(group.running, slotCount);
  const remaining = model.runningRemainingMs;
  const meanRemaining = remaining.length === 0 ? model.ownMs / 2 : remaining.reduce((a, b) => a + b, 0) / remaining.length;
  const slots = Array.from({ length: slotCount }, (_, i) => (i < busy ? meanRemaining : 0));
  return firstFreeAfter(slots, ahead, model.ownMs);
}

/** Beyond this many steps (jobs × slots) the placement is replaced by its average. */
const PLACEMENT_BUDGET = 1_000_000;

/** When a slot frees after `count` jobs of `ms` each took the first free slot in turn. */
function firstFreeAfter(slots: number[], count: number, ms: number): number {
  if (count * slots.length > PLACEMENT_BUDGET) return Math.max(minOf(slots), (slots.reduce((a, b) => a + b, 0) + count * ms) / slots.length);
  return simulateStart(slots, repeat(ms, count));
}
