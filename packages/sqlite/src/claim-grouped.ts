/**
 * The claim of a grouped queue: within the highest level holding a ready job of a group that may
 * run, groups take turns in stamp order (core's `group-rotation.ts`); a served group counts one
 * more job of its round and, once it has given its weight's worth (1 without stored settings),
 * goes to the back of the level's rotation, or leaves it with its last queued job there; a group
 * at the queue's groupConcurrency, or without a token under its groupRateLimit, is passed over
 * and keeps its turn (see group-holds.ts).
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { ClaimParams, JobRecord, QueueRateLimit } from '@waitline/core';
import type { SqliteContext } from './context.js';
import { GroupHolds } from './group-holds.js';
import { toJobRecord } from './rows.js';
import { turnLevelBelow, turnsInOrder } from './turns.js';

/** The job a grouped claim takes next: its seq, its group ('' = default) and its level. */
interface GroupPick {
  seq: number;
  group: string;
  priority: number;
}

/**
 * The next job in claim order: from the highest level, in turn order, the first group not held
 * whose head (its first queued job by runAt, then seq) is ready. Null when no job is ready. A
 * group whose head is not due is skipped without reading its other jobs (they are later still); a
 * group at its cap is skipped before its head is read; a group with a ready head and no token is
 * skipped once its head is read (so the claim knows it passed over a ready job). A held group's
 * stamp is left as it is, so it keeps its place in the rotation. When every group with a ready
 * job at a level is held, the walk goes on to the next level down.
 */
function nextPick(ctx: SqliteContext, queue: string, now: number, holds: GroupHolds | undefined): GroupPick | null {
  for (let priority = turnLevelBelow(ctx, queue); priority !== null; priority = turnLevelBelow(ctx, queue, priority)) {
    for (const turn of turnsInOrder(ctx, queue, priority)) {
      if (holds?.atCap(turn.group) === true) continue;
      const head = ctx.stmt('groupHead').get({ queue, grp: turn.group, priority });
      if (head === undefined || head.run_at > now || holds?.outOfTokens(turn.group) === true) continue;
      return { seq: head.seq, group: turn.group, priority };
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
  const { more } = ctx.one('groupHasQueued', params);
  ctx.stmt(more === 1 ? 'turnBump' : 'turnLeave').run(params);
}

/** A grouped queue's per-group limits, as read with its row: null is none. */
export interface GroupLimits {
  /** The queue's groupConcurrency. */
  cap: number | null;
  /** The queue's groupRateLimit. */
  rate: QueueRateLimit | null;
}

/** What a grouped claim leased and, when it passed over a ready group for want of a token, that group's next token. */
export interface GroupedClaim {
  jobs: JobRecord[];
  nextTokenAt?: number;
}

/**
 * Leases up to `limit` ready jobs of a grouped queue in claim order (the caller has applied the
 * queue's pause, concurrency and rate limit to `limit`), one at a time so that a batch of n
 * returns exactly what n claims of 1 would. A named group holding `limits.cap` running jobs
 * (every level, this claim's leases included), or with a ready head and no token left under
 * `limits.rate` (its starts in the window, this claim's included), is passed over and keeps its
 * turn. Each lease is today's (claim-one.sql: token `<uuid>:<seq>`, attempt + 1,
 * `startedAt = now`), followed by the group's turn move (a group of weight w keeps its stamp for
 * w serves in a row); each start of a named group is logged under a group rate limit. Call
 * inside `BEGIN IMMEDIATE`. Returns the leased records in claim order, and the earliest next
 * token of a group passed over for want of one. Statements per job: turn-level-below per level
 * walked, turns-page per 64 turns walked, group-head per group walked, claim-one,
 * group-has-queued, then turn-bump (which reads the group's weight with one primary-key seek on
 * group_settings) or turn-leave; with a cap, also one group-running per named group walked (once
 * per claim); with a group rate limit, one group-rate-starts-trim and one group-rate-starts per
 * named group with a ready head walked (once per claim), and one group-rate-starts-add per named
 * group leased from. Without either limit, none of these.
 * @internal
 */
export function claimGrouped(ctx: SqliteContext, p: ClaimParams, limit: number, limits: GroupLimits): GroupedClaim {
  const leaseToken = randomUUID();
  const holds = limits.cap === null && limits.rate === null ? undefined : new GroupHolds(ctx, p.queue, p.now, limits.cap, limits.rate);
  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    const pick = nextPick(ctx, p.queue, p.now, holds);
    if (pick === null) break;
    const row = ctx.jobs('claimOne').get({
      seq: pick.seq,
      now: p.now,
      leaseToken,
      leaseExpiresAt: p.now + p.leaseMs,
      workerId: p.workerId,
    });
    // The write lock is held since the pick, so the job is still queued.
    if (row === undefined) throw new Error(`grouped claim: job seq ${pick.seq} left the queue under the write lock`);
    jobs.push(toJobRecord(row));
    holds?.started(pick.group);
    moveTurn(ctx, p.queue, pick);
  }
  holds?.logStarts();
  const nextTokenAt = holds?.nextTokenAt;
  return nextTokenAt === undefined ? { jobs } : { jobs, nextTokenAt };
}
