/**
 * Stored group settings: `setGroup` writes a named group's weight in one script
 * (`lua/scripts/set-group.lua`), `listGroupSettings` reads them back in one command. Claims and
 * position reads take the weights inside their own scripts (`lua/lib/weights.lua`).
 * @module
 * @internal
 */
import type { GroupSettingsRecord, SetGroupParams } from '@waitline/core';
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
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}
