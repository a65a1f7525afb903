/**
 * Listing: one queue's jobs, newest `seq` first by default, filtered by state, paged by offset
 * with `nextOffset` null on the last page.
 * @internal
 */
import { describe, expect, it } from 'vitest';
import { addMany, addQueue, claimOne, ids, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Registers the listing area: order, state filter, pages. */
export function describeList(harness: StorageHarness): void {
  describe('listJobs', () => {
    const storage = useStorage(harness);

    it('lists one queue newest first by default, oldest first with order asc', async () => {
      const s = storage();
      await addQueue(s);
      await addQueue(s, { name: 'other' });
      const jobs = await addMany(s, [{}, {}, {}]);
      await addMany(s, [{}], { queue: 'other' });
      const desc = await s.listJobs({ queue: QUEUE, limit: 10 });
      expect(desc).toEqual({ items: [...jobs].reverse(), nextOffset: null });
      const asc = await s.listJobs({ queue: QUEUE, limit: 10, order: 'asc' });
      expect(ids(asc.items)).toEqual(ids(jobs));
    });

    it('pages by offset; nextOffset is null on the last page, also when it is exactly full', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addMany(s, [{}, {}, {}, {}, {}]);
      const page1 = await s.listJobs({ queue: QUEUE, limit: 2, order: 'asc' });
      expect(ids(page1.items)).toEqual(ids(jobs.slice(0, 2)));
      expect(page1.nextOffset).toBe(2);
      const page2 = await s.listJobs({ queue: QUEUE, limit: 2, offset: 2, order: 'asc' });
      expect(ids(page2.items)).toEqual(ids(jobs.slice(2, 4)));
      expect(page2.nextOffset).toBe(4);
      const page3 = await s.listJobs({ queue: QUEUE, limit: 2, offset: 4, order: 'asc' });
      expect(ids(page3.items)).toEqual(ids(jobs.slice(4)));
      expect(page3.nextOffset).toBeNull();
      expect((await s.listJobs({ queue: QUEUE, limit: 5 })).nextOffset).toBeNull();
      expect(await s.listJobs({ queue: QUEUE, limit: 5, offset: 5 })).toEqual({ items: [], nextOffset: null });
    });

    it('filters by state', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addMany(s, [{}, {}, {}]);
      const running = await claimOne(s, { now: T0 + 1 });
      await s.cancel({ queue: jobs[2]?.queue ?? QUEUE, id: jobs[2]?.id ?? '', now: T0 + 2 });
      const listed = async (states: Parameters<typeof s.listJobs>[0]['states']) =>
        ids((await s.listJobs({ queue: QUEUE, states, limit: 10, order: 'asc' })).items);
      expect(await listed(['running'])).toEqual([running.id]);
      expect(await listed(['queued'])).toEqual([jobs[1]?.id]);
      expect(await listed(['queued', 'cancelled'])).toEqual([jobs[1]?.id, jobs[2]?.id]);
      expect(await listed(['completed'])).toEqual([]);
      expect(await listed(undefined)).toEqual(ids(jobs));
    });
  });
}
