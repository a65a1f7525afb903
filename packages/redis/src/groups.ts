/**
 * Stored group settings: `setGroup` writes a named group's weight in one script
 * (`lua/scripts/set-group.lua`), `listGroupSettings` reads them back in one command. Claims and
 * position reads take the weights inside their own scripts (`lua/lib/weights.lua`). `listGroups`
 * reads a page of the named groups with their counts in one script (`lua/scripts/list-groups.lua`).
 * @module
 * @internal
 */
import { compareCodeUnits } from '@waitline/core';
import type { GroupCounts, GroupSettingsRecord, GroupsPage, ListGroupsParams, SetGroupParams } from '@waitline/core';
import type { RedisContext } from './context.js';

/**
 * Stores the group's weight, or removes its settings with null (weight 1 again), atomically;
 * creates a missing queue with the defaults. Core has validated the name and the weight. @internal
 */
export async function setGroup(ctx: RedisContext, p: SetGroupParams): Promise<void> {
  await ctx.queueNames.add(p.queue);
  await ctx.onQueue('setGroup', p.queue, [p.group, p.settings === null ? '' : String(p.settings.weight)]);
}

/** Every group of the queue with stored settings, sorted by name in code-unit order; [] for an unknown queue. @internal */
export async function listGroupSettings(ctx: RedisContext, queue: string): Promise<GroupSettingsRecord[]> {
  const stored = await ctx.client.hgetall(ctx.keys.groupWeights(queue));
  return Object.entries(stored)
    .map(([group, weight]) => ({ group, weight: Number(weight) }))
    .sort((a, b) => compareCodeUnits(a.group, b.group));
}

/**
 * One page of the queue's named groups after `p.after`, by name in byte order, with their counts
 * and weights, from one script; an unknown queue has none. See `Storage.listGroups`. @internal
 */
export async function listGroups(ctx: RedisContext, p: ListGroupsParams): Promise<GroupsPage> {
  const reply = await ctx.onQueue('listGroups', p.queue, [p.now, p.after ?? '', p.limit]);
  const items: GroupCounts[] = [];
  for (let i = 1; i + 4 < reply.length; i += 5) {
    const [group, ready, scheduled, running, weight] = reply.slice(i, i + 5);
    items.push({ group: String(group), ready: Number(ready), scheduled: Number(scheduled), running: Number(running), weight: Number(weight) });
  }
  const last = items[items.length - 1];
  return { items, nextAfter: Number(reply[0]) === 1 && last !== undefined ? last.group : null };
}
