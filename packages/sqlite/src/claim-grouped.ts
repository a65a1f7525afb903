/**
 * The claim of a grouped queue: within the highest level holding a ready job of a group that may
 * run, groups take turns in stamp order (core's `group-rotation.ts`); a served group counts one
 * more job of its round and, once it has given its weight's worth (1 without stored settings),
 * goes to the back of the level's rotation, or leaves it with its last queued job there; a group
 * at the queue's groupConcurrency is passed over and keeps its turn.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { type ClaimParams, DEFAULT_GROUP, type JobRecord } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { type JobRow, toJobRecord } from './rows.js';
import { turnLevelBelow, turnsInOrder } from './turns.js';

/** The job a grouped claim takes next: its seq, its group ('' = default) and its level. */
interface GroupPick {
  seq: number;
  group: string;
  priority: number;
}

/**
 * Whether a group may not start another job now: a named group at the queue's groupConcurrency.
 * Absent when the queue has no cap, so the walk runs no cap statement.
 */
type Held = (group: string) => boolean;

/**
 * The queue's groupConcurrency as one claim applies it: each named group's running jobs are
 * counted once (group-running, at most `cap` entries of jobs_group_running) the first time the
 * walk meets the group, then kept up to date as the claim leases (`started`), so a batch of n
 * counts its own leases as n claims of 1 would. The default group is never held.
 */
function groupCaps(ctx: SqliteContext, queue: string, cap: number): { held: Held; started: (group: string) => void } {
  const running = new Map<string, number>();
  const count = (grp: string): number => {
    let n = running.get(grp);
    if (n === undefined) {
      n = (ctx.stmt('groupRunning').get({ queue, grp, bound: cap }) as { n: number }).n;
      running.set(grp, n);
    }
    return n;
  };
  return {
    held: (group) => group !== DEFAULT_GROUP && count(group) >= cap,
    started: (group) => {
      if (group !== DEFAULT_GROUP) running.set(group, count(group) + 1);
    },
  };
}

/**
 * The next job in claim order: from the highest level, in turn order, the first group not `held`
 * whose head (its first queued job by runAt, then seq) is ready. Null when no job is ready. A
 * group whose head is not due is skipped without reading its other jobs (they are later still); a
 * held group is skipped before its head is read, and its stamp is left as it is, so it keeps its
 * place in the rotation. When every group with a ready job at a level is held, the walk goes on
 * to the next level down.
 */
function nextPick(ctx: SqliteContext, queue: string, now: number, held: Held | undefined): GroupPick | null {
  for (let priority = turnLevelBelow(ctx, queue); priority !== null; priority = turnLevelBelow(ctx, queue, priority)) {
    for (const turn of turnsInOrder(ctx, queue, priority)) {
      if (held?.(turn.group) === true) continue;
      const head = ctx.stmt('groupHead').get({ queue, grp: turn.group, priority }) as { seq: number; run_at: number } | undefined;
      if (head !== undefined && head.run_at <= now) return { seq: head.seq, group: turn.group, priority };
    }
  }
  return null;
}

/**
 * After a serve (core's `afterServe`): the group leaves its level when it has no queued job left
 * there; otherwise turn-bump counts the serve in its round and, at the round's end (its weight,
 * read there by primary key), resets the count and sends the group to the back of the level. The
 * pick never needs a weight: the group served next is still the first in stamp order with a
 * ready head, whether it kept its stamp or not.
 */
function moveTurn(ctx: SqliteContext, queue: string, pick: GroupPick): void {
  const params = { queue, grp: pick.group, priority: pick.priority };
  const { more } = ctx.stmt('groupHasQueued').get(params) as { more: number };
  ctx.stmt(more === 1 ? 'turnBump' : 'turnLeave').run(params);
}

/**
 * Leases up to `limit` ready jobs of a grouped queue in claim order (the caller has applied the
 * queue's pause, concurrency and rate limit to `limit`), one at a time so that a batch of n
 * returns exactly what n claims of 1 would. A named group holding `groupCap` running jobs (every
 * level, this claim's leases included) is passed over and keeps its turn; null is no cap. Each
 * lease is today's (claim-one.sql: token `<uuid>:<seq>`, attempt + 1, `startedAt = now`),
 * followed by the group's turn move (a group of weight w keeps its stamp for w serves in a
 * row). Call inside `BEGIN IMMEDIATE`. Returns the leased records in claim order. Statements per
 * job: turn-level-below per level walked, turns-page per 64 turns walked, group-head per group
 * walked, claim-one, group-has-queued, then turn-bump (which reads the group's weight with one
 * primary-key seek on group_settings) or turn-leave; with a cap, also one group-running per named
 * group walked (once per claim).
 * @internal
 */
export function claimGrouped(ctx: SqliteContext, p: ClaimParams, limit: number, groupCap: number | null): JobRecord[] {
  const leaseToken = randomUUID();
  const caps = groupCap === null ? undefined : groupCaps(ctx, p.queue, groupCap);
  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    const pick = nextPick(ctx, p.queue, p.now, caps?.held);
    if (pick === null) break;
    const row = ctx.jobs('claimOne').get({
      seq: pick.seq,
      now: p.now,
      leaseToken,
      leaseExpiresAt: p.now + p.leaseMs,
      workerId: p.workerId,
    }) as JobRow | undefined;
    // The write lock is held since the pick, so the job is still queued.
    if (row === undefined) throw new Error(`grouped claim: job seq ${pick.seq} left the queue under the write lock`);
    jobs.push(toJobRecord(row));
    caps?.started(pick.group);
    moveTurn(ctx, p.queue, pick);
  }
  return jobs;
}
