/**
 * Group lines of the transfer format (format 3): a named group's stored settings (its weight)
 * travel with its queue, so a tenant's share survives a move from one storage to another. Turn
 * stamps do not travel: imported groups join the rotation in the order of their first waiting
 * line, as fresh adds would.
 * @module
 */
import { z } from 'zod';
import { MAX_GROUP_WEIGHT } from '../group-rotation.js';
import { groupNameSchema, queueNameSchema } from '../options.js';
import type { GroupSettingsRecord } from '../storage.js';

/** One group's settings: its queue, its name and its weight. */
export interface GroupLine {
  type: 'group';
  queue: string;
  group: string;
  weight: number;
}

/** A group's line, fields in a fixed order. */
export function groupLine(queue: string, record: GroupSettingsRecord): string {
  const line: GroupLine = { type: 'group', queue, group: record.group, weight: record.weight };
  return JSON.stringify(line);
}

/** What a group line must hold: the same checks `queue.setGroup()` applies. */
export const groupLineSchema = z
  .object({
    type: z.literal('group'),
    queue: queueNameSchema,
    group: groupNameSchema,
    weight: z.number().int().min(1).max(MAX_GROUP_WEIGHT),
  })
  .strict();
