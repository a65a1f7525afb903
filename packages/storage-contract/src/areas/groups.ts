/**
 * Groups take turns (issue 14, `docs/design/groups.md`): within one priority level a grouped
 * queue takes its groups round-robin, a newcomer joins at the back, a group that leaves by its
 * last claim rejoins at the back, ungrouped jobs take turns as one group, and a group's own jobs
 * keep the ordering rule. Positions are in `groups-position.ts`.
 * @internal
 */
import type { JobRecord, NewJob, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { addMany, addQueue, claim, claimEach, claimOne, QUEUE, reread, settleFail, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Jobs of one group in one batch, named `<prefix><i>` (names double as labels in these tests). */
export function groupJobs(group: string | null, prefix: string, count: number, overrides: Partial<NewJob> = {}): Array<Partial<NewJob>> {
  return Array.from({ length: count }, (_, i) => ({ group, name: `${prefix}${i}`, ...overrides }));
}

/** The labels (names) of jobs, in order. */
export function labels(jobs: readonly JobRecord[]): string[] {
  return jobs.map((j) => j.name);
}

/** Adds each batch in its own enqueue, one ms apart, so groups join in the order given. */
export async function addBatches(s: Storage, batches: Array<Array<Partial<NewJob>>>, queue = QUEUE): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (const [i, batch] of batches.entries()) out.push(...(await addMany(s, batch, { now: T0 - 100 + i, queue })));
  return out;
}

/** Registers the groups area: round-robin claims and how groups join, leave and come back. */
export function describeGroups(harness: StorageHarness): void {
  describe('groups: turns', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('stores the group with the job and reads it back', async () => {
      const s = storage();
      await addQueue(s);
      const [grouped, plain] = await addBatches(s, [groupJobs('tenant-42 ✓', 'g', 1), groupJobs(null, 'u', 1)]);
      expect(grouped?.group).toBe('tenant-42 ✓');
      expect(plain?.group).toBeNull();
      expect((await reread(s, grouped as JobRecord)).group).toBe('tenant-42 ✓');
      expect((await reread(s, plain as JobRecord)).group).toBeNull();
      expect((await claimOne(s)).group).toBe('tenant-42 ✓');
    });

    it('a group with 50 waiting and a group with 1 alternate', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('big', 'big', 50), groupJobs('small', 'small', 1)]);
      const order = labels(await claimEach(s, { now: T0 }));
      expect(order.slice(0, 3)).toEqual(['big0', 'small0', 'big1']);
      expect(order).toHaveLength(51);
    });

    it('groups take turns in stamp order; a served group goes to the back', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 1), groupJobs('C', 'c', 2)]);
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['a0', 'b0', 'c0', 'a1', 'c1', 'a2']);
    });

    it('the groups of one batch join in batch order, whatever their names', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [...groupJobs('zulu', 'z', 2), ...groupJobs('alpha', 'a', 2), ...groupJobs('mike', 'm', 2)], { now: T0 - 10 });
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['z0', 'a0', 'm0', 'z1', 'a1', 'm1']);
    });

    // Postgres deadlocked here (each batch inserting a stamp the other waited for), failing one add.
    it('batches of the same new groups in opposite orders, added at once, both land', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, groupJobs('first', 'f', 1), { now: T0 - 100 });
      for (let round = 0; round < 10; round++) {
        const groups = Array.from({ length: 20 }, (_, g) => `r${round}-g${g}`);
        const batch = (order: string[]) => order.flatMap((g) => groupJobs(g, g, 1));
        await Promise.all([addMany(s, batch(groups), { now: T0 - 50 }), addMany(s, batch([...groups].reverse()), { now: T0 - 50 })]);
      }
      expect(await claimEach(s, { now: T0 })).toHaveLength(1 + 10 * 20 * 2);
    });

    it('a new group joins at the back of the rotation, ahead of every second job', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 2)]);
      expect(labels([await claimOne(s, { now: T0 })])).toEqual(['a0']);
      await addMany(s, groupJobs('C', 'c', 1), { now: T0 + 1 });
      expect(labels(await claimEach(s, { now: T0 + 2 }))).toEqual(['b0', 'a1', 'c0', 'b1', 'a2']);
    });

    it('a group that leaves by its last claim rejoins at the back', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('A', 'a', 1), groupJobs('B', 'b', 2), groupJobs('C', 'c', 2)]);
      expect(labels(await claim(s, { now: T0 }))).toEqual(['a0']);
      expect(labels(await claim(s, { now: T0 }))).toEqual(['b0']);
      await addMany(s, [{ group: 'A', name: 'a1' }], { now: T0 + 1 });
      expect(labels(await claimEach(s, { now: T0 + 2 }))).toEqual(['c0', 'b1', 'a1', 'c1']);
    });

    it('a queue without groups keeps the ordering rule exactly', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{ name: 'late', runAt: T0 + 5 }, { name: 'low', priority: 1 }, { name: 'first' }, { name: 'high', priority: 3 }, { name: 'second' }]);
      expect(labels(await claimEach(s, { now: T0 + 10 }))).toEqual(['high', 'first', 'second', 'late', 'low']);
    });

    it('ungrouped jobs of a grouped queue take turns as one group, first when they waited first', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs(null, 'u', 3), groupJobs('A', 'a', 2), groupJobs(null, 'v', 1)]);
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['u0', 'a0', 'u1', 'a1', 'u2', 'v0']);
    });

    it('higher priority runs first; turns are per level', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [[{ group: 'A', name: 'a-high', priority: 3 }], groupJobs('A', 'a', 2), groupJobs('B', 'b', 1)]);
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['a-high', 'a0', 'b0', 'a1']);
    });

    it('inside a group: runAt, then seq; a delayed job joins its group when due', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [
        [
          { group: 'A', name: 'a-late', runAt: T0 + 20 },
          { group: 'A', name: 'a-early', runAt: T0 + 10 },
          { group: 'A', name: 'a-delayed', runAt: T0 + 1_000 },
        ],
        groupJobs('B', 'b', 3),
      ]);
      expect(labels(await claimEach(s, { now: T0 + 30 }))).toEqual(['a-early', 'b0', 'a-late', 'b1', 'b2']);
      expect(labels(await claimEach(s, { now: T0 + 1_000 }))).toEqual(['a-delayed']);
    });

    it('a retried job re-enters at the back of its group, and its group at the back of the turns', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [groupJobs('A', 'a', 2), groupJobs('B', 'b', 1)]);
      const a0 = await claimOne(s, { now: T0 });
      await settleFail(s, a0, T0 + 1, T0 + 2);
      expect(labels(await claimEach(s, { now: T0 + 10 }))).toEqual(['b0', 'a1', 'a0']);
    });

    it('a group whose only job is delayed keeps its turn', async () => {
      const s = storage();
      await addQueue(s);
      await addBatches(s, [[{ group: 'A', name: 'a0', runAt: T0 + 100 }], groupJobs('B', 'b', 2)]);
      expect(labels(await claim(s, { now: T0 }))).toEqual(['b0']);
      expect(labels(await claimEach(s, { now: T0 + 100 }))).toEqual(['a0', 'b1']);
    });

    it('a batch claim equals that many single claims', async () => {
      const s = storage();
      const scene = (queue: string) =>
        addBatches(s, [groupJobs(null, 'u', 2), groupJobs('A', 'a', 3), groupJobs('B', 'b', 2), [{ group: 'C', name: 'c0', priority: 3 }]], queue);
      await addQueue(s, { name: 'batch' });
      await addQueue(s, { name: 'single' });
      await scene('batch');
      await scene('single');
      const batch = labels(await claim(s, { queue: 'batch', now: T0, limit: 5 }));
      const single = labels(await claimEach(s, { queue: 'single', now: T0 }));
      expect(batch).toEqual(single.slice(0, 5));
      expect(batch).toEqual(['c0', 'u0', 'a0', 'b0', 'u1']);
      expect(labels(await claim(s, { queue: 'batch', now: T0, limit: 10 }))).toEqual(single.slice(5));
    });

    it('changePriority moves a job into the rotation of its new level, behind the groups there', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addBatches(s, [[{ group: 'C', name: 'c0', priority: 3 }], groupJobs('A', 'a', 2), groupJobs('B', 'b', 2)]);
      const b1 = jobs.find((j) => j.name === 'b1') as JobRecord;
      await s.changePriority({ queue: QUEUE, id: b1.id, priority: 3 });
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['c0', 'b1', 'a0', 'b0', 'a1']);
    });

    it('importJobs keeps groups, and imported waiting jobs join the turns in the order given', async () => {
      const s = storage();
      await addQueue(s);
      const source = await addBatches(s, [groupJobs('A', 'a', 2), groupJobs('B', 'b', 1)], 'source');
      await s.importJobs({
        queue: QUEUE,
        jobs: source.map(({ queue: _q, seq: _s, leaseToken: _t, leaseExpiresAt: _e, workerId: _w, ...job }) => ({
          ...job,
          id: `${job.id}-copy`,
          state: 'queued',
        })),
        onConflict: 'fail',
        now: T0,
      });
      const claimed = await claimEach(s, { now: T0 });
      expect(labels(claimed)).toEqual(['a0', 'b0', 'a1']);
      expect(claimed.map((j) => j.group)).toEqual(['A', 'B', 'A']);
    });
  });
}
