/**
 * Group weights (issue 14, `docs/design/groups.md`, increment 3): `setGroup` stores a named
 * group's weight, a group of weight w takes w turns in a row per round of its level, positions
 * follow the weighted rounds, and a changed weight applies from the group's next claim. The
 * randomised area (`groups-randomised.ts`) also draws weights.
 * @internal
 */
import type { JobRecord, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { addQueue, claim, claimEach, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { addBatches, groupJobs, labels } from './groups.js';

/** `setGroup` with the weight given (null removes the group's settings). */
async function setWeight(s: Storage, group: string, weight: number | null, queue = QUEUE): Promise<void> {
  if (s.setGroup === undefined) throw new Error('a storage with the groups capability implements setGroup');
  await s.setGroup({ queue, group, settings: weight === null ? null : { weight }, now: T0 });
}

/** Claims `n` jobs one at a time; returns them in claim order. */
async function claimSingles(s: Storage, n: number): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let i = 0; i < n; i++) out.push(...(await claim(s)));
  return out;
}

/** Every job's position, ordered by position: the order the positions announce. */
async function positionOrder(s: Storage, jobs: readonly JobRecord[]): Promise<string[]> {
  const placed = await Promise.all(jobs.map(async (j) => ({ name: j.name, at: await s.getPosition({ queue: QUEUE, id: j.id, now: T0 }) })));
  return placed
    .filter((p) => p.at !== null)
    .sort((a, b) => (a.at as number) - (b.at as number))
    .map((p) => p.name);
}

/** Registers the weights area. */
export function describeGroupWeights(harness: StorageHarness): void {
  describe('groups: weights', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('setGroup stores a weight per queue; listGroupSettings reads them by name; null removes one', async () => {
      const s = storage();
      await addQueue(s);
      await setWeight(s, 'premium', 3);
      await setWeight(s, 'basic', 1);
      await setWeight(s, 'premium', 3, 'other');
      expect(await s.listGroupSettings?.({ queue: QUEUE })).toEqual([
        { group: 'basic', weight: 1 },
        { group: 'premium', weight: 3 },
      ]);
      await setWeight(s, 'premium', null);
      expect(await s.listGroupSettings?.({ queue: QUEUE })).toEqual([{ group: 'basic', weight: 1 }]);
      expect(await s.listGroupSettings?.({ queue: 'other' })).toEqual([{ group: 'premium', weight: 3 }]);
      expect(await s.listGroupSettings?.({ queue: 'never' })).toEqual([]);
      // Code-unit order, as JavaScript sorts: U+1F600 (a surrogate pair, 0xD83D...) before U+FF5A.
      await setWeight(s, 'ｚ-fullwidth', 2, 'other');
      await setWeight(s, '😀-emoji', 2, 'other');
      expect((await s.listGroupSettings?.({ queue: 'other' }))?.map((g) => g.group)).toEqual(['premium', '😀-emoji', 'ｚ-fullwidth']);
    });

    it('a group of weight 2 takes two turns in a row per round, and positions say so', async () => {
      const s = storage();
      await addQueue(s);
      await setWeight(s, 'P', 2);
      const jobs = await addBatches(s, [groupJobs('P', 'p', 4), groupJobs('A', 'a', 3)]);
      const expected = ['p0', 'p1', 'a0', 'p2', 'p3', 'a1', 'a2'];
      expect(await positionOrder(s, jobs)).toEqual(expected);
      expect(labels(await claimEach(s))).toEqual(expected);
    });

    it('positions follow a round already begun, and a batch claim takes what single claims would', async () => {
      const batch = storage();
      const single = await harness.create();
      try {
        for (const s of [batch, single]) {
          await addQueue(s);
          await setWeight(s, 'P', 3);
          await setWeight(s, 'Q', 2);
          await addBatches(s, [groupJobs('P', 'p', 5), groupJobs('Q', 'q', 4), groupJobs(null, 'u', 3)]);
        }
        expect(labels(await claim(batch, { limit: 2 }))).toEqual(['p0', 'p1']);
        expect(labels(await claimSingles(single, 2))).toEqual(['p0', 'p1']);
        const rest = (await batch.listJobs({ queue: QUEUE, states: ['queued'], limit: 100 })).items;
        const announced = await positionOrder(batch, rest);
        expect(announced).toEqual(['p2', 'q0', 'q1', 'u0', 'p3', 'p4', 'q2', 'q3', 'u1', 'u2']);
        expect(labels(await claim(batch, { limit: 100 }))).toEqual(announced);
        expect(labels(await claimEach(single))).toEqual(announced);
      } finally {
        await single.close();
      }
    });

    it('a changed weight applies from the group next claim; weights are per queue, not per level', async () => {
      const s = storage();
      await addQueue(s);
      await setWeight(s, 'P', 3);
      await addBatches(s, [
        groupJobs('P', 'p', 4),
        groupJobs('A', 'a', 2),
        [{ group: 'P', name: 'urgent-p', priority: 5 }],
        [{ group: 'P', name: 'urgent-p2', priority: 5 }],
      ]);
      expect(labels(await claimSingles(s, 3))).toEqual(['urgent-p', 'urgent-p2', 'p0']);
      await setWeight(s, 'P', 1);
      expect(labels(await claimEach(s))).toEqual(['p1', 'a0', 'p2', 'a1', 'p3']);
    });
  });
}
