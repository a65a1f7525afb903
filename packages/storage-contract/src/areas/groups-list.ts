/**
 * `listGroups` (issue 14, `docs/design/groups.md`, increment 6, test 20): a queue's named groups
 * with a queued or running job or stored settings, by name in code-point order, each with its
 * ready, scheduled and running jobs and its weight, a page at a time.
 * @internal
 */
import type { GroupCounts, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { addQueue, claim, QUEUE, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { addBatches, groupJobs, labels } from './groups.js';

/** `listGroups` at `now`, failing clearly on a storage that lacks it. */
function list(s: Storage, o: { after?: string; limit?: number; now?: number; queue?: string } = {}) {
  if (s.listGroups === undefined) throw new Error('a storage with the groups capability implements listGroups');
  const { after, limit = 100, now = T0, queue = QUEUE } = o;
  return s.listGroups({ queue, now, limit, ...(after === undefined ? {} : { after }) });
}

/** A group's counts, weight 1 unless given. */
function counts(group: string, ready: number, scheduled: number, running: number, weight = 1): GroupCounts {
  return { group, ready, scheduled, running, weight };
}

/** Registers the groups listing. */
export function describeGroupList(harness: StorageHarness): void {
  describe('groups: listGroups', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('counts each named group ready, scheduled and running jobs, with its weight, by name', async () => {
      const s = storage();
      await addQueue(s);
      await s.setGroup?.({ queue: QUEUE, group: 'premium', settings: { weight: 3 }, now: T0 });
      await s.setGroup?.({ queue: QUEUE, group: 'idle', settings: { weight: 2 }, now: T0 });
      await addBatches(s, [
        groupJobs('A', 'a', 2),
        groupJobs('A', 'later', 1, { runAt: T0 + 60_000 }),
        groupJobs('B', 'b', 1),
        groupJobs('premium', 'p', 1, { priority: 5 }),
        groupJobs(null, 'u', 2),
      ]);
      expect(labels(await claim(s, { limit: 2 }))).toEqual(['p0', 'a0']);
      const b0 = (await claim(s))[0];
      expect(b0?.name).toBe('b0');
      await settleOk(s, b0 as NonNullable<typeof b0>, T0 + 1);
      // B has no job left and no settings: it is gone. Ungrouped jobs are never listed.
      const expected = { items: [counts('A', 1, 1, 1), counts('idle', 0, 0, 0, 2), counts('premium', 0, 0, 1, 3)], nextAfter: null };
      expect(await list(s, { now: T0 + 1 })).toEqual(expected);
      // A storage may count running jobs another way under a cap: the answer is the same.
      await addQueue(s, { groupConcurrency: 5 });
      expect(await list(s, { now: T0 + 1 })).toEqual(expected);
      // The delayed job is ready once due.
      expect((await list(s, { now: T0 + 60_000 })).items[0]).toEqual(counts('A', 2, 0, 1));
      expect(await list(s, { queue: 'other' })).toEqual({ items: [], nextAfter: null });
    });

    it('pages by name: nextAfter names the last group of a page that is not the last', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('c', 'c', 1), groupJobs('a', 'a', 1), groupJobs('B', 'b', 1), groupJobs('d', 'd', 1), groupJobs('é', 'e', 1)]);
      const first = await list(s, { limit: 2 });
      expect([first.items.map((g) => g.group), first.nextAfter]).toEqual([['B', 'a'], 'a']);
      const second = await list(s, { limit: 2, after: 'a' });
      expect([second.items.map((g) => g.group), second.nextAfter]).toEqual([['c', 'd'], 'd']);
      // A page that ends exactly at the last group says so.
      const last = await list(s, { limit: 1, after: 'd' });
      expect([last.items.map((g) => g.group), last.nextAfter]).toEqual([['é'], null]);
      expect(await list(s, { after: 'é' })).toEqual({ items: [], nextAfter: null });
      // `after` need not be a group's name.
      expect((await list(s, { after: 'b' })).items.map((g) => g.group)).toEqual(['c', 'd', 'é']);
    });
  });
}
