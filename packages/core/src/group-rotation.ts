/**
 * Groups take turns: the claim order and the position of a grouped queue (design:
 * `docs/design/groups.md`).
 *
 * A queue becomes *grouped* at its first add with a `group`. From then on, within one priority
 * level, every group with queued jobs at the level (ungrouped jobs form the default group,
 * {@link DEFAULT_GROUP}) holds a **turn stamp**: a number unique within the level. Ready jobs
 * still run by priority descending first; within a level:
 *
 * - a group's own jobs keep the ordering rule (`runAt`, then `seq`); a job's **rank** is how many
 *   ready jobs of its group at its level sort before it;
 * - a claim takes the head of the ready group with the lowest `(stamp, group)`, then gives that
 *   group a stamp above every stamp at the level, or deletes its stamp when the claim took the
 *   group's last queued job (ready or scheduled) at the level;
 * - a job that becomes queued at a level where its group has no stamp gives the group a stamp
 *   above every stamp there (a newcomer joins at the back of the rotation);
 * - cancels, removals and priority changes that empty a group leave its stamp.
 *
 * So the jobs of a level run in rounds: round `k` holds each group's job of rank `k`, groups in
 * stamp order. The claims that follow take jobs in exactly that order (each claim removes the
 * head of round 0, and moving its group to the back keeps every other job's place), which is
 * what makes {@link groupPosition} exact.
 * @module
 */

/** The name that stands for the ungrouped jobs of a grouped queue wherever a group must be named. */
export const DEFAULT_GROUP = '';

/** One group's turn at a priority level. */
export interface GroupTurn {
  /** The group's name, {@link DEFAULT_GROUP} for ungrouped jobs. */
  group: string;
  /** The group's turn stamp at the level: lower goes first. */
  turn: number;
  /** The group's weight: how many jobs it gives per round (1 when absent; see `setGroup`). */
  weight?: number | undefined;
  /** How many of its `weight` jobs of the current round the group has already given (0 when absent). */
  used?: number | undefined;
}

/** Most a group's weight may be. */
export const MAX_GROUP_WEIGHT = 100;

/** The group's weight, 1 when it has none. */
export function weightOf(t: Pick<GroupTurn, 'weight'>): number {
  return t.weight ?? 1;
}

/**
 * The jobs of the current round the group has given, as the rules read it: its stored `used`
 * capped at `weight - 1`, so a weight lowered mid-round ends the round at the group's next claim.
 */
export function usedOf(t: Pick<GroupTurn, 'weight' | 'used'>): number {
  return Math.min(t.used ?? 0, weightOf(t) - 1);
}

/** How many of a group's ready jobs lie in its first `rounds` rounds: `max(0, rounds·weight − used)`. */
export function takenInRounds(t: Pick<GroupTurn, 'weight' | 'used'>, rounds: number): number {
  return Math.max(0, rounds * weightOf(t) - usedOf(t));
}

/** The round (0 = the current one) of a group's ready job of rank `rank`: `⌊(rank + used) / weight⌋`. */
export function roundOf(t: Pick<GroupTurn, 'weight' | 'used'>, rank: number): number {
  return Math.floor((rank + usedOf(t)) / weightOf(t));
}

/**
 * What a claim of the group's head does to its turn: with `used + 1` below its weight the group
 * keeps its stamp and counts one more (`keep: true`); otherwise its round is over, `used` goes back
 * to 0 and the group takes a stamp behind every other (or leaves the level, when it has no job left
 * there: the storage decides that).
 */
export function afterServe(t: Pick<GroupTurn, 'weight' | 'used'>): { keep: boolean; used: number } {
  const used = usedOf(t) + 1;
  return used < weightOf(t) ? { keep: true, used } : { keep: false, used: 0 };
}

/** The stored group of a job as the rotation names it: {@link DEFAULT_GROUP} for null. */
export function rotationGroup(group: string | null): string {
  return group ?? DEFAULT_GROUP;
}

/** True when group `a` takes its turn before group `b` at one level: stamp, then name. */
export function turnBefore(a: GroupTurn, b: GroupTurn): boolean {
  return a.turn < b.turn || (a.turn === b.turn && a.group < b.group);
}

/** Sorts turns into the order groups go in (stamp, then name); returns a new array. */
export function sortTurns<T extends GroupTurn>(turns: readonly T[]): T[] {
  return [...turns].sort((a, b) => (turnBefore(a, b) ? -1 : turnBefore(b, a) ? 1 : 0));
}

/**
 * How many of another group's ready jobs at the level go before a job of rank `rank` in a group
 * whose turn comes after that group's (`before`) or before it: each round holds one job of each
 * group, so `rank` rounds go first, and the job's own round too when the other group is before.
 * The count is this bound capped by the other group's ready jobs.
 */
export function otherGroupBound(rank: number, before: boolean): number {
  return rank + (before ? 1 : 0);
}

/**
 * {@link otherGroupBound} with weights: how many of `other`'s ready jobs go before the job of rank
 * `rank` in group `own`, before capping by `other`'s ready count. The job is in round
 * `k = roundOf(own, rank)`; `other` gives its jobs of rounds `0..k` when its turn is before
 * `own`'s, else of rounds `0..k-1`.
 */
export function weightedBound(own: GroupTurn, rank: number, other: GroupTurn): number {
  return takenInRounds(other, roundOf(own, rank) + (turnBefore(other, own) ? 1 : 0));
}

/** What {@link groupPosition} reads: every count a storage can take with bounded index counts. */
export interface GroupPositionInput {
  /** Ready jobs of the queue at higher priority levels. */
  higher: number;
  /** Ready jobs of the job's own group at its level that sort before it. */
  rank: number;
  /** The job's group's turn at its level. */
  own: GroupTurn;
  /** Every other group holding a turn at the level, with its ready job count there. */
  others: ReadonlyArray<GroupTurn & { ready: number }>;
}

/**
 * The position of a ready job of a grouped queue (1 = claimed next):
 * `1 + higher + rank + Σ min(ready_h, weightedBound(own, rank, h))`, which for groups of weight 1
 * is `1 + higher + rank + Σ min(ready_h, rank + [h goes before the job's group])`.
 * Costs O(groups at the level); equals the place claims would give the job if nothing else
 * arrived (the contract's property test holds every storage to it).
 */
export function groupPosition(input: GroupPositionInput): number {
  let ahead = input.higher + input.rank;
  for (const other of input.others) ahead += Math.min(other.ready, weightedBound(input.own, input.rank, other));
  return ahead + 1;
}

/** One group's ready jobs at a level, in the ordering rule's order, with its turn. */
export interface GroupLine<J> extends GroupTurn {
  jobs: readonly J[];
}

/**
 * The jobs of one level in claim order, at most `limit` of them: round 0 (each group's jobs of
 * the current round, `weight − used` of them, groups in turn order), then round 1 (`weight` each),
 * and so on. A storage that read each group's first jobs merges them with this to list the jobs
 * ahead in the order they will run.
 */
export function rotationOrder<J>(lines: ReadonlyArray<GroupLine<J>>, limit = Number.POSITIVE_INFINITY): J[] {
  const sorted = sortTurns(lines);
  const out: J[] = [];
  const rounds = sorted.reduce((n, line) => (line.jobs.length === 0 ? n : Math.max(n, roundOf(line, line.jobs.length - 1) + 1)), 0);
  for (let round = 0; round < rounds && out.length < limit; round++) {
    for (const line of sorted) {
      const to = Math.min(line.jobs.length, takenInRounds(line, round + 1));
      for (let i = takenInRounds(line, round); i < to && out.length < limit; i++) out.push(line.jobs[i] as J);
    }
  }
  return out;
}

/** One group's jobs ahead of a job, with the group's weight and used count (see {@link roundsWithin}). */
export interface RoundBound extends Pick<GroupTurn, 'weight' | 'used'> {
  bound: number;
}

/**
 * How many rounds of each group to read so that, together with `higher` jobs read from higher
 * levels, at most `limit` jobs ahead are read and they are exactly the first complete rounds: the
 * largest `k` with `Σ min(bound_h, takenInRounds(h, k)) <= limit - higher`, where each bound is a
 * group's jobs ahead (the own group's rank included; a plain number is a group of weight 1). Each
 * group then contributes its first `min(bound_h, takenInRounds(h, k))` jobs, which is a prefix of
 * the level's claim order.
 */
export function roundsWithin(bounds: ReadonlyArray<number | RoundBound>, limit: number, higher = 0): number {
  const lines = bounds.map((b) => (typeof b === 'number' ? { bound: b } : b));
  const room = limit - Math.min(higher, limit);
  const taken = (k: number) => lines.reduce((sum, l) => sum + Math.min(l.bound, takenInRounds(l, k)), 0);
  let lo = 0;
  let hi = lines.reduce((n, l) => (l.bound === 0 ? n : Math.max(n, roundOf(l, l.bound - 1) + 1)), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (taken(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
