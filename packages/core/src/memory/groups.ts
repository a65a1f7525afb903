/**
 * Groups in memory: each level's group lines and turn stamps, kept in step with the queue's
 * waiting jobs by the store, and the claim and position rules of `group-rotation.ts` over them.
 * @module
 * @internal
 */
import { compareCodeUnits } from '../ordering.js';
import { afterServe, DEFAULT_GROUP, type GroupLine, type GroupTurn, rotationGroup, sortTurns, takenInRounds } from '../group-rotation.js';
import type { JobRecord } from '../job-record.js';
import { SortedJobs } from './sorted-jobs.js';

/** Another group's standing at a level, as a position read sees it. @internal */
export interface OtherGroup extends GroupTurn {
  ready: number;
  line: SortedJobs;
}

/**
 * One queue's groups: per priority level, each group's queued jobs (ready and scheduled) in the
 * ordering rule's order, and the turn stamps of a grouped queue. A queue is grouped from its first
 * job with a group on; until then nothing here is stamped and claims follow the plain order.
 * @internal
 */
export class GroupRotation {
  private isGrouped = false;
  private lastTurn = 0;
  private readonly lines = new Map<number, Map<string, SortedJobs>>();
  private readonly turns = new Map<number, Map<string, number>>();
  /** Per level, how many jobs of its current round each group has given (absent: 0). */
  private readonly used = new Map<number, Map<string, number>>();
  /** The weights set with `setGroup` (absent: 1). */
  private readonly weights = new Map<string, number>();

  /** True once a job with a group was stored in the queue; never false again. */
  get grouped(): boolean {
    return this.isGrouped;
  }

  /** A job became queued (or changed its order key while queued): line it up and join its group. */
  add(job: JobRecord): void {
    if (rotationGroup(job.group) !== DEFAULT_GROUP && !this.isGrouped) this.markGrouped();
    this.lineOf(job.priority, rotationGroup(job.group), true).insert(job);
    if (this.isGrouped) this.join(job.priority, rotationGroup(job.group));
  }

  /** A job left `queued` (or is about to change its order key): take it out of its line. */
  remove(job: JobRecord): void {
    this.lineOf(job.priority, rotationGroup(job.group), false)?.remove(job);
  }

  /**
   * The job a claim takes next: at the highest level holding a ready job of a group not `held`,
   * the ready head of such a group whose turn comes first. A held group is passed over and keeps
   * its turn.
   */
  nextPick(now: number, held: (group: string) => boolean): JobRecord | undefined {
    const levels = [...this.turns.keys()].sort((a, b) => b - a);
    for (const level of levels) {
      for (const turn of this.turnsAt(level)) {
        const head = this.lineOf(level, turn.group, false)?.first();
        if (head !== undefined && head.runAt <= now && !held(turn.group)) return head;
      }
    }
    return undefined;
  }

  /** How many queued jobs (ready or scheduled) `group` holds across every level. */
  queuedOf(group: string): number {
    let count = 0;
    for (const groups of this.lines.values()) count += groups.get(group)?.size ?? 0;
    return count;
  }

  /**
   * After a claim took `job` (already out of its line): its group leaves the level when it has no
   * job left there; otherwise it counts one more of its round, and at the round's end (its
   * weight reached) goes to the back.
   */
  served(job: JobRecord): void {
    const group = rotationGroup(job.group);
    const stamps = this.turns.get(job.priority);
    if (stamps === undefined) return;
    const used = this.usedAt(job.priority);
    if ((this.lineOf(job.priority, group, false)?.size ?? 0) === 0) {
      stamps.delete(group);
      used.delete(group);
      return;
    }
    const next = afterServe(this.turnOf(job.priority, group));
    used.set(group, next.used);
    if (!next.keep) stamps.set(group, this.nextTurn());
  }

  /** Sets a named group's weight, or back to 1 with null. */
  setWeight(group: string, weight: number | null): void {
    if (weight === null) this.weights.delete(group);
    else this.weights.set(group, weight);
  }

  /** Each group's queued jobs at each level (a group appears once per level it has a line at). */
  *queuedLines(): Iterable<[string, SortedJobs]> {
    for (const groups of this.lines.values()) yield* groups;
  }

  /** A group's weight (1 unless set). */
  weightOf(group: string): number {
    return this.weights.get(group) ?? 1;
  }

  /** Every group with a weight set, by name. */
  weightsByName(): Array<[string, number]> {
    return [...this.weights].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  /** The turn of `group` at `level`, with its weight and used count; a group without a stamp would go last. */
  turnOf(level: number, group: string): GroupTurn {
    return {
      group,
      turn: this.turns.get(level)?.get(group) ?? Number.POSITIVE_INFINITY,
      weight: this.weights.get(group) ?? 1,
      used: this.used.get(level)?.get(group) ?? 0,
    };
  }

  /** Every group stamped at `level` but `group`, with its ready count at `now`, in turn order. */
  othersAt(level: number, group: string, now: number): OtherGroup[] {
    const out: OtherGroup[] = [];
    for (const turn of this.turnsAt(level)) {
      if (turn.group === group) continue;
      const line = this.lineOf(level, turn.group, false) ?? new SortedJobs();
      out.push({ ...turn, line, ready: line.ready(now, Number.POSITIVE_INFINITY).length });
    }
    return out;
  }

  /** The ready jobs of `group` at levels above `level` at `now`, counted to at most `bound`. */
  readyAbove(level: number, group: string, now: number, bound: number): number {
    let n = 0;
    for (const [l, groups] of this.lines) if (l > level && n < bound) n += groups.get(group)?.ready(now, bound - n).length ?? 0;
    return n;
  }

  /** The queued jobs of `group` at `level`, in the ordering rule's order. */
  lineOf(level: number, group: string, create: true): SortedJobs;
  lineOf(level: number, group: string, create: false): SortedJobs | undefined;
  lineOf(level: number, group: string, create: boolean): SortedJobs | undefined {
    let groups = this.lines.get(level);
    if (groups === undefined) {
      if (!create) return undefined;
      groups = new Map();
      this.lines.set(level, groups);
    }
    let line = groups.get(group);
    if (line === undefined && create) {
      line = new SortedJobs();
      groups.set(group, line);
    }
    return line;
  }

  /** The level's stamps in the order groups go, with weights and used counts. */
  private turnsAt(level: number): GroupTurn[] {
    const stamps = this.turns.get(level);
    if (stamps === undefined) return [];
    return sortTurns([...stamps.keys()].map((group) => this.turnOf(level, group)));
  }

  private usedAt(level: number): Map<string, number> {
    let used = this.used.get(level);
    if (used === undefined) {
      used = new Map();
      this.used.set(level, used);
    }
    return used;
  }

  /** The queue becomes grouped: ungrouped jobs already waiting take the first turn at their levels. */
  private markGrouped(): void {
    this.isGrouped = true;
    for (const [level, groups] of this.lines) {
      if ((groups.get(DEFAULT_GROUP)?.size ?? 0) > 0) this.join(level, DEFAULT_GROUP);
    }
  }

  /** Gives `group` a stamp at `level` behind every other, unless it holds one. */
  private join(level: number, group: string): void {
    let stamps = this.turns.get(level);
    if (stamps === undefined) {
      stamps = new Map();
      this.turns.set(level, stamps);
    }
    if (!stamps.has(group)) stamps.set(group, this.nextTurn());
  }

  private nextTurn(): number {
    this.lastTurn += 1;
    return this.lastTurn;
  }
}

/** Each group's line at a level cut to its first `take(group)` ready jobs, for `rotationOrder`. @internal */
export function cutLines<L extends GroupTurn & { line: SortedJobs }>(lines: readonly L[], now: number, take: (line: L) => number): Array<GroupLine<JobRecord>> {
  return lines.map((l) => ({ group: l.group, turn: l.turn, weight: l.weight, used: l.used, jobs: l.line.ready(now, take(l)) }));
}

/** How many of a line's jobs ahead lie in the first `rounds` rounds. @internal */
export function inRounds(line: GroupTurn & { bound: number }, rounds: number): number {
  return Math.min(line.bound, takenInRounds(line, rounds));
}
