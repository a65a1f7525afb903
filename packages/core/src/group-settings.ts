/**
 * `Queue.setGroup`: a named group's stored settings (its weight), validated before anything is
 * written and refused on a storage without groups; `Queue.listGroups`: the groups with their counts.
 * @module
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { MAX_GROUP_WEIGHT } from './group-rotation.js';
import { groupNameSchema, parseOrThrow } from './options.js';
import type { GroupSettings, GroupSettingsRecord, GroupsPage, Storage } from './storage.js';

const settingsSchema = z
  .object({ weight: z.number().int().min(1).max(MAX_GROUP_WEIGHT) })
  .strict()
  .nullable();

/** What a queue's group calls need of it. @internal */
export interface GroupHost {
  readonly name: string;
  readonly storage: Storage;
  readonly clock: { now(): number };
}

/** The storage's group calls, or a `ValidationError` (at `path`) when it has none. */
function groupCalls(storage: Storage, path: string): Required<Pick<Storage, 'setGroup' | 'listGroupSettings' | 'listGroups'>> {
  const { setGroup, listGroupSettings, listGroups } = storage;
  if (storage.capabilities.groups !== true || setGroup === undefined || listGroupSettings === undefined || listGroups === undefined) {
    const message = 'group settings need a storage with the groups capability';
    throw new ValidationError(message, [{ path: [path], message }]);
  }
  return { setGroup: setGroup.bind(storage), listGroupSettings: listGroupSettings.bind(storage), listGroups: listGroups.bind(storage) };
}

/**
 * Validates and stores `settings` for the named group `group` of the queue (null removes them,
 * back to weight 1). Throws `ValidationError` at `['group']` or `['settings', 'weight']` with
 * nothing written. @internal
 */
export async function setGroupOf(queue: GroupHost, group: string, settings: GroupSettings | null): Promise<void> {
  const name = parseOrThrow(groupNameSchema, group, 'group name', ['group']);
  const parsed = parseOrThrow(settingsSchema, settings, 'group settings', ['settings']);
  await groupCalls(queue.storage, 'group').setGroup({ queue: queue.name, group: name, settings: parsed, now: queue.clock.now() });
}

/** Every group of the queue with stored settings, by name. @internal */
export async function listGroupSettingsOf(queue: GroupHost): Promise<GroupSettingsRecord[]> {
  return groupCalls(queue.storage, 'queue').listGroupSettings({ queue: queue.name });
}

/** The most groups one `Queue.listGroups` page holds. */
export const MAX_GROUPS_PAGE = 1_000;

/** Options of `Queue.listGroups`. */
export interface ListGroupsOptions {
  /** Start after this group name: the `nextAfter` of the page before. */
  after?: string | undefined;
  /** Most groups in the page, 1 to {@link MAX_GROUPS_PAGE}; 100 by default. */
  limit?: number | undefined;
}

const listOptionsSchema = z.object({ after: groupNameSchema.optional(), limit: z.number().int().min(1).max(MAX_GROUPS_PAGE).optional() }).strict();

/**
 * A page of the queue's named groups with their ready, scheduled and running jobs and their
 * weights, by name. Throws `ValidationError` at `['options', ...]` for bad options. @internal
 */
export async function listGroupsOf(queue: GroupHost, options: ListGroupsOptions = {}): Promise<GroupsPage> {
  parseOrThrow(listOptionsSchema, options, 'list options', ['options']);
  const { listGroups } = groupCalls(queue.storage, 'queue');
  return listGroups({
    queue: queue.name,
    now: queue.clock.now(),
    limit: options.limit ?? 100,
    ...(options.after === undefined ? {} : { after: options.after }),
  });
}
