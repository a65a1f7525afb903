/**
 * `listGroups` in memory: each named group's ready, scheduled and running jobs and its weight,
 * paged by name in code-point order.
 * @module
 * @internal
 */
import { DEFAULT_GROUP } from '../group-rotation.js';
import { groupsPage } from '../groups-page.js';
import type { GroupCounts, GroupsPage, ListGroupsParams } from '../storage-reads.js';
import { runningByGroup } from './group-holds.js';
import type { MemoryStore } from './store.js';

/** Orders two strings by code point (UTF-8 byte order), not by UTF-16 code unit as `<` does. @internal */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The counts of every named group of the queue with a queued or running job or a weight, by name. */
function allGroups(store: MemoryStore, queue: string, now: number): GroupCounts[] {
  const { groups } = store.queueJobs(queue);
  const counts = new Map<string, GroupCounts>();
  const entry = (group: string): GroupCounts => {
    const found = counts.get(group) ?? { group, ready: 0, scheduled: 0, running: 0, weight: groups.weightOf(group) };
    counts.set(group, found);
    return found;
  };
  for (const [group, line] of groups.queuedLines()) {
    if (group === DEFAULT_GROUP || line.size === 0) continue;
    const ready = line.ready(now, Number.POSITIVE_INFINITY).length;
    const counted = entry(group);
    counted.ready += ready;
    counted.scheduled += line.size - ready;
  }
  for (const [group, running] of runningByGroup(store, queue)) if (group !== DEFAULT_GROUP) entry(group).running = running;
  for (const [group] of groups.weightsByName()) entry(group);
  return [...counts.values()].sort((a, b) => compareCodePoints(a.group, b.group));
}

/** One page of the queue's named groups after `p.after`; see `Storage.listGroups`. @internal */
export function listGroups(store: MemoryStore, p: ListGroupsParams): GroupsPage {
  const after = p.after;
  const rest = allGroups(store, p.queue, p.now).filter((g) => after === undefined || compareCodePoints(g.group, after) > 0);
  return groupsPage(rest.slice(0, p.limit + 1), p.limit);
}
