/**
 * The claim of a grouped queue: within the highest level holding a ready job, groups take turns
 * in stamp order (core's `group-rotation.ts`); a served group goes to the back of the level's
 * rotation, or leaves it with its last queued job there.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { ClaimParams, JobRecord } from '@waitline/core';
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
 * The next job in claim order: from the highest level, in turn order, the first group whose head
 * (its first queued job by runAt, then seq) is ready. Null when no job is ready. A group whose
 * head is not due is skipped without reading its other jobs (they are later still).
 */
function nextPick(ctx: SqliteContext, queue: string, now: number): GroupPick | null {
  for (let priority = turnLevelBelow(ctx, queue); priority !== null; priority = turnLevelBelow(ctx, queue, priority)) {
    for (const turn of turnsInOrder(ctx, queue, priority)) {
      const head = ctx.stmt('groupHead').get({ queue, grp: turn.group, priority }) as { seq: number; run_at: number } | undefined;
      if (head !== undefined && head.run_at <= now) return { seq: head.seq, group: turn.group, priority };
    }
  }
  return null;
}

/** After a serve: the group goes to the back of its level, or leaves it when it has no queued job left there. */
function moveTurn(ctx: SqliteContext, queue: string, pick: GroupPick): void {
  const params = { queue, grp: pick.group, priority: pick.priority };
  const { more } = ctx.stmt('groupHasQueued').get(params) as { more: number };
  ctx.stmt(more === 1 ? 'turnBump' : 'turnLeave').run(params);
}

/**
 * Leases up to `limit` ready jobs of a grouped queue in claim order (the caller has applied the
 * queue's pause, concurrency and rate limit to `limit`), one at a time so that a batch of n
 * returns exactly what n claims of 1 would. Each lease is today's (claim-one.sql: token
 * `<uuid>:<seq>`, attempt + 1, `startedAt = now`), followed by the group's turn move. Call
 * inside `BEGIN IMMEDIATE`. Returns the leased records in claim order. Statements per job:
 * turn-level-below per level walked, turns-page per 64 turns walked, group-head per group walked, claim-one,
 * group-has-queued, then turn-bump or turn-leave.
 * @internal
 */
export function claimGrouped(ctx: SqliteContext, p: ClaimParams, limit: number): JobRecord[] {
  const leaseToken = randomUUID();
  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    const pick = nextPick(ctx, p.queue, p.now);
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
    moveTurn(ctx, p.queue, pick);
  }
  return jobs;
}
