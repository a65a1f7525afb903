/**
 * Positions of a grouped queue (issue 14): exact under round-robin, the same number getPosition
 * and getPositionInputs give, the jobs ahead listed in claim order, and, randomised, the order
 * positions report is the order claims return.
 * @internal
 */
import type { JobRecord, NewJob, Storage } from '@waitline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { addQueue, claim, claimEach, newJob, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { addBatches, groupJobs, labels } from './groups.js';

const READ = { sampleLimit: 10, aheadListLimit: 200, aheadWorkLimit: 1_000, dueAheadLimit: 100, workerStaleMs: 60_000 };

/** Every job's position at `now`, by label. */
async function positions(s: Storage, jobs: readonly JobRecord[], now: number): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const job of jobs) out[job.name] = await s.getPosition({ queue: job.queue, id: job.id, now });
  return out;
}

/** Registers the grouped-position area. */
export function describeGroupPositions(harness: StorageHarness): void {
  describe('groups: positions', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('position follows the round-robin formula: higher levels, then rounds in turn order', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addBatches(s, [
        [{ group: 'A', name: 'h', priority: 3 }],
        groupJobs('A', 'a', 3),
        groupJobs('B', 'b', 1),
        groupJobs('C', 'c', 2),
        [{ group: 'B', name: 'later', runAt: T0 + 1_000 }],
      ]);
      expect(await positions(s, jobs, T0)).toEqual({ h: 1, a0: 2, b0: 3, c0: 4, a1: 5, c1: 6, a2: 7, later: null });
      expect(labels(await claimEach(s, { now: T0 }))).toEqual(['h', 'a0', 'b0', 'c0', 'a1', 'c1', 'a2']);
    });

    it('positions follow the turns as claims serve groups and newcomers join', async () => {
      const s = storage();
      await addQueue(s);
      const first = await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 2)]);
      await claim(s, { now: T0 });
      const more = await addBatches(s, [groupJobs('C', 'c', 1)]);
      const waiting = [...first, ...more].filter((j) => j.name !== 'a0');
      expect(await positions(s, waiting, T0)).toEqual({ b0: 1, a1: 2, c0: 3, b1: 4, a2: 5 });
    });

    it('position inputs: the same count, the jobs ahead in claim order, work over whole rounds', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addBatches(s, [[{ group: 'A', name: 'h', priority: 3 }], groupJobs('A', 'a', 3), groupJobs('B', 'b', 1), groupJobs('C', 'c', 2)]);
      const c1 = jobs.find((j) => j.name === 'c1') as JobRecord;
      const inputs = await s.getPositionInputs({ queue: QUEUE, id: c1.id, now: T0, ...READ });
      expect(inputs?.ahead).toBe(5);
      expect(inputs?.aheadJobs?.map((j) => j.name)).toEqual(['h', 'a0', 'b0', 'c0', 'a1']);
      expect(inputs?.aheadWorkOf).toBe(5);
      expect(inputs?.aheadWork.map((w) => [w.name, w.count])).toEqual([
        ['a0', 1],
        ['a1', 1],
        ['b0', 1],
        ['c0', 1],
        ['h', 1],
      ]);
      // With room for 3: the higher job, then only whole rounds of the level (round 0: a0 b0 c0 does not fit).
      const bounded = await s.getPositionInputs({ queue: QUEUE, id: c1.id, now: T0, ...READ, aheadListLimit: 0, aheadWorkLimit: 3 });
      expect(bounded?.ahead).toBe(5);
      expect(bounded?.aheadJobs).toBeNull();
      expect(bounded?.aheadWorkOf).toBe(1);
      expect(bounded?.aheadWork.map((w) => w.name)).toEqual(['h']);
    });

    it('the order getPosition reports is the order claims return, with groups (randomised)', async () => {
      const spec = fc.record({
        group: fc.constantFrom(null, 'a', 'b', 'c'),
        priority: fc.integer({ min: 1, max: 3 }),
        delay: fc.constantFrom(0, 0, 0, 5, 500),
        joinPrevious: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(spec, { minLength: 1, maxLength: 10 }),
          fc.integer({ min: 0, max: 3 }),
          fc.array(spec, { maxLength: 6 }),
          async (before, served, after) => {
            const s = await harness.create();
            try {
              await checkGroupedOrder(s, before, served, after);
            } finally {
              await s.close();
            }
          },
        ),
        { numRuns: 30 },
      );
    }, 120_000);
  });
}

type Spec = { group: string | null; priority: number; delay: number; joinPrevious: boolean };

/** Consecutive `joinPrevious` specs share one enqueue. */
function batchesOf(specs: readonly Spec[], tag: string): Array<Array<Partial<NewJob>>> {
  const batches: Array<Array<Partial<NewJob>>> = [];
  specs.forEach((spec, i) => {
    const job = newJob({ group: spec.group, priority: spec.priority, runAt: T0 + spec.delay, name: `${tag}${i}` });
    const last = batches[batches.length - 1];
    if (spec.joinPrevious && last) last.push(job);
    else batches.push([job]);
  });
  return batches;
}

/** Adds `before`, claims `served` jobs, adds `after`, then compares every position with the claims that follow. */
async function checkGroupedOrder(s: Storage, before: Spec[], served: number, after: Spec[]): Promise<void> {
  await addQueue(s);
  const stored = await addBatches(s, batchesOf(before, 'x'));
  const taken = new Set((await claim(s, { now: T0 + 1, limit: served })).map((j) => j.id));
  stored.push(...(await addBatches(s, batchesOf(after, 'y'))));
  const now = T0 + 100;
  const waiting = stored.filter((j) => !taken.has(j.id));
  const reported = await Promise.all(waiting.map((j) => s.getPosition({ queue: QUEUE, id: j.id, now })));
  const inputs = await Promise.all(waiting.map((j) => s.getPositionInputs({ queue: QUEUE, id: j.id, now, ...READ })));
  const claimed = (await claimEach(s, { now })).map((j) => j.id);
  waiting.forEach((job, i) => {
    const expected = job.runAt <= now ? claimed.indexOf(job.id) + 1 : null;
    expect({ job: job.name, position: reported[i] }).toEqual({ job: job.name, position: expected });
    expect(inputs[i]?.ahead ?? null).toBe(expected === null ? null : expected - 1);
  });
}
