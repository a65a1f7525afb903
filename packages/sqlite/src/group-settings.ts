/**
 * Per-group settings of a queue (`setGroup`, `listGroupSettings`): a named group's weight, stored
 * in group_settings (migration 0012) and read by the grouped claim (turn-bump.sql) and positions
 * (turns-at.sql); and `listGroups`, the named groups with their counts and weights.
 * @module
 * @internal
 */
import { type GroupSettingsRecord, type GroupsPage, groupsPage, type ListGroupsParams, type SetGroupParams, compareCodeUnits } from '@waitline/core';
import type { SqliteContext } from './context.js';

/**
 * Stores a named group's weight in its queue, or removes its settings with null (weight 1 again),
 * creating a missing queue with the defaults. Stamps and used counts are left as they are: the
 * group's next claim and every later position read the new weight (a round already past a lowered
 * weight ends at that claim). Call inside `BEGIN IMMEDIATE`, so the queue row and the settings are
 * written together. Statements: ensure-queue, then set-group-settings or remove-group-settings.
 * @internal
 */
export function setGroup(ctx: SqliteContext, p: SetGroupParams): void {
  ctx.stmt('ensureQueue').run({ name: p.queue, now: p.now });
  if (p.settings === null) ctx.stmt('removeGroupSettings').run({ queue: p.queue, grp: p.group });
  else ctx.stmt('setGroupSettings').run({ queue: p.queue, grp: p.group, weight: p.settings.weight });
}

/**
 * Every group of the queue with stored settings, sorted by name in code-unit order (as JavaScript
 * compares strings); [] for an unknown queue. One statement (list-group-settings), read in
 * primary-key order (UTF-8 bytes, so code points) and sorted again here: the two orders differ
 * only between characters U+E000-U+FFFF and characters above U+FFFF, so the sort usually finds
 * the list already in order.
 * @internal
 */
export function listGroupSettings(ctx: SqliteContext, queue: string): GroupSettingsRecord[] {
  const rows = ctx.stmt('listGroupSettings').all({ queue });
  return rows.map((r) => ({ group: r.grp, weight: r.weight })).sort((a, b) => compareCodeUnits(a.group, b.group));
}

/**
 * One page of the queue's named groups after `p.after`, by name in code-point order, with their
 * ready, scheduled and running jobs and weights; see `Storage.listGroups`. One statement
 * (list-groups), so one snapshot, reading `limit + 1` rows to tell whether more groups follow; it
 * counts only the groups it returns.
 * @internal
 */
export function listGroups(ctx: SqliteContext, p: ListGroupsParams): GroupsPage {
  const params = { queue: p.queue, now: p.now, after: p.after ?? '', take: p.limit + 1 };
  const rows = ctx.stmt('listGroups').all(params);
  return groupsPage(
    rows.map((r) => ({ group: r.grp, ready: r.ready, scheduled: r.scheduled, running: r.running, weight: r.weight })),
    p.limit,
  );
}
