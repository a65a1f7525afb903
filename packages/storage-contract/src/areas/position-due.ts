/**
 * Position inputs' `dueAhead` (issue 12): the scheduled jobs that outrank a waiting job, which
 * the ETA puts ahead of it when they come due before it starts. Every storage lists the same
 * jobs in the same order for the same data.
 * @internal
 */
import type { DueAhead, JobRecord, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addQueue, claimOne, positionInputsAt, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** When the scenes below are read, unless a test says otherwise. */
const READ_AT = T0 + 300;

/** `getPositionInputs(job).dueAhead` at `now` with at most `limit` listed. */
async function dueAhead(s: Storage, job: JobRecord, limit = 100, now = READ_AT): Promise<DueAhead[] | undefined> {
  return (await positionInputsAt(s, job, now, limit))?.dueAhead;
}

/** What `dueAhead` says of a job. */
const listed = (job: JobRecord): DueAhead => ({ name: job.name, size: job.size, runAt: job.runAt });

/** Registers the `dueAhead` rules. */
export function describePositionDue(harness: StorageHarness): void {
  describe('position inputs: scheduled jobs that outrank the job', () => {
    const storage = useStorage(harness);

    it('lists the scheduled jobs of a higher priority by runAt then seq, at most dueAheadLimit', async () => {
      const s = storage();
      await addQueue(s);
      const target = await add(s, { priority: 1 });
      await add(s, { priority: 5 }); // ready: counted in `ahead`, not listed
      const late = await add(s, { priority: 5, runAt: T0 + 2_000, name: 'late' });
      const soon = await add(s, { priority: 3, runAt: T0 + 1_000, name: 'soon', size: 7 });
      const tie = await add(s, { priority: 9, runAt: T0 + 2_000, name: 'tie' });
      await add(s, { priority: 1, runAt: T0 + 500 }); // same priority: sorts after the target when due
      await add(s, { priority: 0, runAt: T0 + 500 }); // lower
      await add(s, { priority: 9, runAt: T0 + 500 }, { queue: `${QUEUE}-other` }); // another queue
      expect(await dueAhead(s, target)).toEqual([listed(soon), listed(late), listed(tie)]);
      expect(await dueAhead(s, target, 2)).toEqual([listed(soon), listed(late)]);
      expect(await dueAhead(s, target, Number.POSITIVE_INFINITY)).toEqual([listed(soon), listed(late), listed(tie)]);
      expect(await dueAhead(s, target, 0)).toEqual([]);
      // Once due, `soon` is a ready job ahead, no longer a scheduled one.
      expect(await dueAhead(s, target, 100, T0 + 1_500)).toEqual([listed(late), listed(tie)]);
    });

    it('is empty for a job that is not queued and ready', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { priority: 9, runAt: T0 + 5_000 });
      const running = await add(s, { priority: 1 });
      expect((await claimOne(s)).id).toBe(running.id);
      const scheduled = await add(s, { priority: 1, runAt: T0 + 1_000 });
      expect(await dueAhead(s, running)).toEqual([]);
      expect(await dueAhead(s, scheduled)).toEqual([]);
    });
  });

  describe('position inputs: scheduled jobs that outrank the job, in a grouped queue', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('lists grouped and ungrouped scheduled jobs of a higher priority alike, by runAt', async () => {
      const s = storage();
      await addQueue(s);
      const target = await add(s, { priority: 1, group: 'a' });
      const grouped = await add(s, { priority: 4, runAt: T0 + 1_000, group: 'b', name: 'grouped' });
      const plain = await add(s, { priority: 4, runAt: T0 + 900, name: 'plain' });
      await add(s, { priority: 1, runAt: T0 + 800, group: 'c' });
      expect(await dueAhead(s, target)).toEqual([listed(plain), listed(grouped)]);
    });
  });
}
