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
 * `1 + higher + rank + Σ min(ready_h, rank + [h goes before the job's group])`.
 * Costs O(groups at the level); equals the place claims would give the job if nothing else
 * arrived (the contract's property test holds every storage to it).
 */
export function groupPosition(input: GroupPositionInput): number {
  let ahead = input.higher + input.rank;
  for (const other of input.others) {
    ahead += Math.min(other.ready, otherGroupBound(input.rank, turnBefore(other, input.own)));
  }
  return ahead + 1;
}

/** One group's ready jobs at a level, in the ordering rule's order, with its turn. */
export interface GroupLine<J> extends GroupTurn {
  jobs: readonly J[];
}

/**
 * The jobs of one level in claim order, at most `limit` of them: round 0 (each group's first job,
 * groups in turn order), then round 1, and so on. A storage that read each group's first jobs
 * merges them with this to list the jobs ahead in the order they will run.
 */
export function rotationOrder<J>(lines: ReadonlyArray<GroupLine<J>>, limit = Number.POSITIVE_INFINITY): J[] {
  const sorted = sortTurns(lines);
  const out: J[] = [];
  const longest = sorted.reduce((n, line) => Math.max(n, line.jobs.length), 0);
  for (let round = 0; round < longest && out.length < limit; round++) {
    for (const line of sorted) {
      if (out.length >= limit) break;
      const job = line.jobs[round];
      if (job !== undefined) out.push(job);
    }
  }
  return out;
}

/**
 * How many of each group's first jobs to read so that, together with `higher` jobs read from
 * higher levels, at most `limit` jobs ahead are read and they are exactly the first complete
 * rounds: the largest `k` with `Σ min(bound_h, k) <= limit - higher`, where `bounds` are each
 * group's jobs ahead (the own group's rank included). Each group then contributes its first
 * `min(bound_h, k)` jobs, which is a prefix of the level's claim order.
 */
export function roundsWithin(bounds: readonly number[], limit: number, higher = 0): number {
  const room = limit - Math.min(higher, limit);
  const taken = (k: number) => bounds.reduce((sum, b) => sum + Math.min(b, k), 0);
  let lo = 0;
  let hi = bounds.reduce((n, b) => Math.max(n, b), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (taken(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
