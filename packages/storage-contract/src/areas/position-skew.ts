/**
 * Reads at a clock behind a claim's: a process whose clock runs ahead claims, then a status is
 * read at an earlier `now`. Position, its inputs and the stats follow the reader's `now` (a job
 * not due at it is scheduled, whatever an earlier claim did with it), as a claim at that `now`
 * would: positions never skip a number, and the stats add up.
 * @internal
 */
import type { JobRecord, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addQueue, claimOne, positionInputsAt, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** The clock of the process that claims: ahead of the reader's. */
const AHEAD = T0 + 5_000;
/** The reader's clock. */
const BEHIND = T0 + 300;

function positionAt(s: Storage, job: JobRecord, now: number): Promise<number | null> {
  return s.getPosition({ queue: job.queue, id: job.id, now });
}

/**
 * A queue where a claim at AHEAD took `urgent` (due at T0 + 1,000) and left `early` (priority 5,
 * due at T0 + 1,000) behind it; `ready` (priority 5) and `target` (priority 1) were ready at T0.
 * At BEHIND only `ready` is ahead of `target`; `early` outranks it but is not due yet.
 */
async function skewedScene(s: Storage, group?: string) {
  await addQueue(s);
  const ready = await add(s, { priority: 5, name: 'ready' });
  const target = await add(s, { priority: 1, name: 'target', ...(group === undefined ? {} : { group }) });
  const urgent = await add(s, { priority: 9, runAt: T0 + 1_000, name: 'urgent' });
  const early = await add(s, { priority: 5, runAt: T0 + 1_000, name: 'early' });
  expect((await claimOne(s, { now: AHEAD })).id).toBe(urgent.id);
  return { ready, target, early };
}

/** Registers the clock-skew rules. */
export function describePositionSkew(harness: StorageHarness): void {
  describe('position: read at a clock behind an earlier claim', () => {
    const storage = useStorage(harness);

    it('counts only the jobs due at the reader’s now, and lists the rest as due ahead', async () => {
      const s = storage();
      const { ready, target, early } = await skewedScene(s);
      expect(await positionAt(s, ready, BEHIND)).toBe(1);
      expect(await positionAt(s, target, BEHIND)).toBe(2);
      expect(await positionAt(s, early, BEHIND)).toBeNull();
      const inputs = await positionInputsAt(s, target, BEHIND);
      expect(inputs?.ahead).toBe(1);
      expect(inputs?.aheadWorkOf).toBe(1);
      expect(inputs?.aheadJobs).toEqual([{ name: 'ready', size: null }]);
      expect(inputs?.dueAhead).toEqual([{ name: 'early', size: null, runAt: early.runAt }]);
      // At the later clock `early` is ready and ahead of the target.
      expect(await positionAt(s, target, AHEAD)).toBe(3);
    });

    it('counts a job moved early as scheduled in the stats', async () => {
      const s = storage();
      await skewedScene(s);
      const stats = await s.getStats({ queue: QUEUE, now: BEHIND, windowsMs: [], sampleLimit: 0, workerStaleMs: 60_000 });
      expect(stats.counts.ready).toBe(2);
      expect(stats.counts.scheduled).toBe(1);
      expect(stats.counts.running).toBe(1);
    });

    it('a claim at the earlier clock passes over the job moved early', async () => {
      const s = storage();
      const { ready, target, early } = await skewedScene(s);
      expect((await claimOne(s, { now: BEHIND })).id).toBe(ready.id);
      expect((await claimOne(s, { now: BEHIND })).id).toBe(target.id);
      expect((await claimOne(s, { now: T0 + 1_000 })).id).toBe(early.id);
    });
  });

  describe('position: read at a clock behind an earlier claim, in a grouped queue', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('counts only the higher jobs due at the reader’s now', async () => {
      const s = storage();
      const { target } = await skewedScene(s, 'tenant');
      expect(await positionAt(s, target, BEHIND)).toBe(2);
      const inputs = await positionInputsAt(s, target, BEHIND);
      expect(inputs?.ahead).toBe(1);
      expect(inputs?.aheadJobs).toEqual([{ name: 'ready', size: null }]);
      expect(inputs?.dueAhead.map((d) => d.name)).toEqual(['early']);
      expect(await positionAt(s, target, AHEAD)).toBe(3);
    });
  });
}
