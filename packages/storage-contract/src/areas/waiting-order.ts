/**
 * `listWaiting`: a page of a queue's ungrouped queued jobs in claim order, what "the next jobs"
 * views show: ready jobs by the ordering rule, then scheduled ones by (runAt, priority desc, seq).
 * Every storage lists the same jobs in the same order for the same data, and the ready part
 * agrees with each job's position.
 * @internal
 */
import { compareJobOrder, compareScheduledOrder, type JobRecord, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addMany, addQueue, claim, claimOne, ids, listAll, QUEUE, seededRandom, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** `listWaiting` of the contract's queue at `now`. */
function waiting(s: Storage, now: number, offset = 0, limit = 1_000): Promise<JobRecord[]> {
  if (!s.listWaiting) throw new Error('this storage has no listWaiting');
  return s.listWaiting({ queue: QUEUE, now, offset, limit });
}

/** The claim order the rule gives for `jobs` (queued, ungrouped) at `now`. */
function expectedOrder(jobs: readonly JobRecord[], now: number): string[] {
  const queued = jobs.filter((j) => j.state === 'queued' && j.group === null);
  const ready = queued.filter((j) => j.runAt <= now).sort(compareJobOrder);
  const scheduled = queued.filter((j) => j.runAt > now).sort(compareScheduledOrder);
  return ids([...ready, ...scheduled]);
}

/** Registers the claim-order listing rules. */
export function describeWaitingOrder(harness: StorageHarness): void {
  describe('listWaiting: queued jobs in claim order', () => {
    const storage = useStorage(harness);

    it('lists ready jobs by the ordering rule, then scheduled ones as they come due, a page at a time', async () => {
      const s = storage();
      await addQueue(s);
      const low = await add(s, { priority: 1, name: 'low' });
      const high = await add(s, { priority: 9, name: 'high' });
      const mid = await add(s, { priority: 5, name: 'mid' });
      const midOlder = await add(s, { priority: 5, runAt: T0 - 50, name: 'mid-older' }, { now: T0 });
      const soonLow = await add(s, { priority: 1, runAt: T0 + 1_000, name: 'soon-low' });
      const soonHigh = await add(s, { priority: 9, runAt: T0 + 1_000, name: 'soon-high' });
      const first = await add(s, { priority: 0, runAt: T0 + 500, name: 'first-due' });
      await add(s, {}, { queue: `${QUEUE}-other` });
      const order = [high, midOlder, mid, low, first, soonHigh, soonLow].map((j) => j.id);
      expect(ids(await waiting(s, T0))).toEqual(order);
      expect(ids(await waiting(s, T0, 2, 3))).toEqual(order.slice(2, 5));
      expect(ids(await waiting(s, T0, 6, 10))).toEqual(order.slice(6));
      expect(await waiting(s, T0, 7, 10)).toEqual([]);
      // Later, the scheduled ones are ready and take their places by priority.
      expect(ids(await waiting(s, T0 + 1_000))).toEqual([high, soonHigh, midOlder, mid, low, soonLow, first].map((j) => j.id));
    });

    it('leaves out running and finished jobs, and lists full records', async () => {
      const s = storage();
      await addQueue(s);
      const [a, b] = await addMany(s, [
        { name: 'a', payload: { n: 1 } },
        { name: 'b', payload: { n: 2 } },
      ]);
      expect((await claimOne(s)).id).toBe(a?.id);
      const listed = await waiting(s, T0);
      expect(ids(listed)).toEqual([b?.id]);
      expect(listed[0]).toMatchObject({ id: b?.id, queue: QUEUE, state: 'queued', name: 'b', payload: { n: 2 } });
    });

    it('follows the reader’s clock when a claim with a clock ahead moved jobs early', async () => {
      const s = storage();
      await addQueue(s);
      const ready = await add(s, { priority: 5, name: 'ready' });
      const urgent = await add(s, { priority: 9, runAt: T0 + 1_000 });
      const early = await add(s, { priority: 5, runAt: T0 + 1_000, name: 'early' });
      const dueNotMoved = await add(s, { priority: 7, runAt: T0 + 100, name: 'due' });
      expect((await claimOne(s, { now: T0 + 5_000 })).id).toBe(urgent.id);
      expect(ids(await waiting(s, T0 + 300))).toEqual([dueNotMoved.id, ready.id, early.id]);
    });

    it('agrees with a reference sort and with every ready job’s position, on a random queue', async () => {
      const s = storage();
      await addQueue(s);
      const random = seededRandom(12);
      const specs = Array.from({ length: 80 }, () => ({
        priority: Math.floor(random() * 4) * 3,
        runAt: T0 - 200 + Math.floor(random() * 8) * 100,
      }));
      await addMany(s, specs);
      await claim(s, { limit: 7, now: T0 });
      const now = T0 + 150;
      const all = await listAll(s);
      const listed = await waiting(s, now);
      expect(ids(listed)).toEqual(expectedOrder(all, now));
      const paged = [...(await waiting(s, now, 0, 30)), ...(await waiting(s, now, 30, 30)), ...(await waiting(s, now, 60, 30))];
      expect(ids(paged)).toEqual(ids(listed));
      const positions = await Promise.all(listed.map((j) => s.getPosition({ queue: QUEUE, id: j.id, now })));
      const ready = listed.filter((j) => j.runAt <= now).length;
      expect(positions).toEqual(listed.map((_, i) => (i < ready ? i + 1 : null)));
    });
  });

  describe('listWaiting in a grouped queue', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('lists only the ungrouped jobs', async () => {
      const s = storage();
      await addQueue(s);
      const plain = await add(s, { priority: 1 });
      await add(s, { priority: 9, group: 'tenant' });
      const later = await add(s, { runAt: T0 + 1_000 });
      await add(s, { runAt: T0 + 500, group: 'tenant' });
      expect(ids(await waiting(s, T0))).toEqual([plain.id, later.id]);
    });
  });
}
