/**
 * Positions in a grouped queue (docs/design/groups.md, "Position and ETA"): the scripts
 * (`lua/lib/group-position.lua`, `lua/lib/group-ahead.lua`) read bounded counts and each group's
 * first jobs ahead; core's pure rules (`groupPosition`, `rotationOrder`, `roundsWithin`) turn them
 * into the position and the jobs ahead in claim order.
 * @module
 * @internal
 */
import {
  type AheadWork,
  type GroupPositionInput,
  type GroupTurn,
  groupPosition,
  type PositionInputs,
  rotationOrder,
  roundsWithin,
  takenInRounds,
} from '@waitline/core';
import { toNamedSizes } from './rows.js';

/**
 * The counts a script returns for a ready job of a grouped queue: higher, rank, own stamp, others
 * (flat: group, stamp, ready, weight, used), own group, own weight, own used. @internal
 */
export type GroupedInputsReply = [
  higher: number,
  rank: number,
  own: string | null,
  others: Array<string | number>,
  group: string,
  weight: number,
  used: number,
];

/** One line of `lua/lib/group-ahead.lua`: group, stamp or null, bound, flat name/size, weight, used. */
type LineReply = [group: string, stamp: string | null, bound: number, jobs: string[], weight: number, used: number];

/** `lua/lib/group-ahead.lua`'s reply: all read (1/0), higher jobs (flat), lines. @internal */
export type GroupedAheadReply = [all: 0 | 1, higher: string[], lines: LineReply[]];

type AheadJob = { name: string; size: number | null };

/** A stamp as a number; a group without one goes after every group (it cannot be served yet). */
function stamp(turn: string | number | null | undefined): number {
  return turn === null || turn === undefined || turn === '' ? Number.POSITIVE_INFINITY : Number(turn);
}

/** A group's turn from the script's group, stamp, weight and used count. */
function turnOf(group: unknown, turn: string | number | null | undefined, weight: unknown, used: unknown): GroupTurn {
  return { group: String(group), turn: stamp(turn), weight: Number(weight ?? 1), used: Number(used ?? 0) };
}

/** The script's counts as core's `groupPosition` input. @internal */
export function toGroupInput(reply: GroupedInputsReply): GroupPositionInput {
  const [higher, rank, own, flat, group, weight, used] = reply;
  const others: Array<GroupTurn & { ready: number }> = [];
  for (let i = 0; i + 4 < flat.length; i += 5) others.push({ ...turnOf(flat[i], flat[i + 1], flat[i + 3], flat[i + 4]), ready: Number(flat[i + 2]) });
  return { higher: Number(higher), rank: Number(rank), own: turnOf(group, own, weight, used), others };
}

/** The 0-based position (jobs ahead) of a ready job of a grouped queue. @internal */
export function groupedAhead(reply: GroupedInputsReply): number {
  return groupPosition(toGroupInput(reply)) - 1;
}

/** Sums the work by job name, sorted by name (as MemoryStorage gives it). */
function workOf(jobs: readonly AheadJob[]): AheadWork[] {
  const byName = new Map<string, AheadWork>();
  for (const job of jobs) {
    let w = byName.get(job.name);
    if (w === undefined) {
      w = { name: job.name, count: 0, sizedCount: 0, sizeSum: 0 };
      byName.set(job.name, w);
    }
    w.count += 1;
    if (job.size !== null) {
      w.sizedCount += 1;
      w.sizeSum += job.size;
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The position inputs' `ahead`, `aheadJobs`, `aheadWork` and `aheadWorkOf` of a ready job of a
 * grouped queue: `aheadJobs` (only when ahead <= aheadListLimit) lists the higher levels' jobs, then
 * the job's level in rotation order (weighted rounds); `aheadWork` sums the first min(higher, limit)
 * higher jobs and each group's first min(bound, takenInRounds(group, k)) jobs, k =
 * `roundsWithin(lines, aheadWorkLimit, higherTaken)`.
 * @internal
 */
export function groupedAheadInputs(
  inputs: GroupedInputsReply,
  ahead: GroupedAheadReply,
  aheadWorkLimit: number,
): Pick<PositionInputs, 'ahead' | 'aheadJobs' | 'aheadWork' | 'aheadWorkOf'> {
  const position = groupedAhead(inputs);
  const [all, higherFlat, lineReplies] = ahead;
  const higherJobs = toNamedSizes(higherFlat);
  const lines = lineReplies.map(([name, turn, bound, flat, weight, used]) => ({
    ...turnOf(name, turn, weight, used),
    bound: Number(bound),
    jobs: toNamedSizes(flat),
  }));
  const higher = Number(inputs[0]);
  const higherTaken = Math.min(higher, Math.max(0, aheadWorkLimit));
  const k = roundsWithin(lines, aheadWorkLimit, higherTaken);
  const workLines = lines.map((line) => ({ ...line, jobs: line.jobs.slice(0, Math.min(line.bound, takenInRounds(line, k))) }));
  const workJobs = [...higherJobs.slice(0, higherTaken), ...rotationOrder(workLines)];
  return {
    ahead: position,
    aheadJobs: Number(all) === 1 ? [...higherJobs, ...rotationOrder(lines)] : null,
    aheadWork: workOf(workJobs),
    aheadWorkOf: workJobs.length,
  };
}
