/**
 * Turn stamps of a grouped queue (docs/design/groups.md, core's `group-rotation.ts`): the flag
 * that makes a queue grouped, joining a level's rotation, and reading a level's turns. Every
 * function runs inside the caller's write or read transaction.
 * @module
 * @internal
 */
import { type GroupTurn, type JobRecord, rotationGroup } from '@waitline/core';
import type { SqliteContext } from './context.js';

/**
 * Makes the queue grouped when it is not yet: sets the flag and stamps the default group (0) at
 * every level where ungrouped jobs are queued, below any stamp a group joining later gets. Call
 * in the transaction that writes the queue's first grouped job, before that job's
 * {@link joinTurn}. Statements: mark-grouped, and stamp-default-group when the flag was set now.
 * @internal
 */
export function markGrouped(ctx: SqliteContext, queue: string): void {
  const info = ctx.stmt('markGrouped').run({ queue });
  if (info.changes === 1) ctx.stmt('stampDefaultGroup').run({ queue });
}

/**
 * Gives the job's group a stamp at the back of its level's rotation unless it holds one there;
 * writes nothing unless the queue is grouped. Call whenever a job becomes `queued`, in the same
 * transaction. One statement (turn-join).
 * @internal
 */
export function joinTurn(ctx: SqliteContext, queue: string, group: string | null, priority: number): void {
  ctx.stmt('turnJoin').run({ queue, grp: rotationGroup(group), priority });
}

/** {@link joinTurn} for each record that is `queued` (the others did not become queued). @internal */
export function joinTurnsOfQueued(ctx: SqliteContext, records: readonly JobRecord[]): void {
  for (const job of records) if (job.state === 'queued') joinTurn(ctx, job.queue, job.group, job.priority);
}

/**
 * The highest level of a grouped queue holding a turn below `below` (every level when omitted),
 * or null: one index seek (turn-level-below).
 * @internal
 */
export function turnLevelBelow(ctx: SqliteContext, queue: string, below: number = Number.MAX_SAFE_INTEGER): number | null {
  return ctx.one('turnLevelBelow', { queue, below }).priority;
}

/** How many turns a claim reads at once while looking for a group with a ready head. */
const TURN_PAGE = 64;

/**
 * The turns of one level in the order groups go, read in pages of {@link TURN_PAGE} (turns-page)
 * so that a caller that stops early reads only the turns before where it stopped.
 * @internal
 */
export function* turnsInOrder(ctx: SqliteContext, queue: string, priority: number): Generator<GroupTurn> {
  let after = -1;
  for (;;) {
    const rows = ctx.stmt('turnsPage').all({ queue, priority, after, limit: TURN_PAGE });
    for (const r of rows) yield { group: r.grp, turn: r.turn };
    const last = rows.at(-1);
    if (last === undefined || rows.length < TURN_PAGE) return;
    after = last.turn;
  }
}

/**
 * The turns of one level, in the order groups go, each with its weight (1 without stored
 * settings) and used count (0 at weight 1): what positions read (turns-at).
 * @internal
 */
export function turnsAt(ctx: SqliteContext, queue: string, priority: number): GroupTurn[] {
  const rows = ctx.stmt('turnsAt').all({ queue, priority });
  return rows.map((r) => ({ group: r.grp, turn: r.turn, weight: r.weight, used: r.used }));
}
