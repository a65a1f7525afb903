/**
 * Per-group limits of a grouped queue (issue 14, `docs/design/groups.md`, increment 4): the
 * queue's `groupConcurrency` bounds each named group's running jobs (a capped group is skipped
 * and keeps its turn), and `groupMaxWaiting` bounds each named group's queued jobs (an add past
 * it throws `GroupFullError` and writes nothing). Ungrouped jobs are bound by neither.
 * @internal
 */
import { GroupFullError, type JobRecord, type NewJob, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addMany, addQueue, claim, expectError, listAll, newJob, nth, QUEUE, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { addBatches, groupJobs, labels } from './groups.js';

const READ = { sampleLimit: 10, aheadListLimit: 200, aheadWorkLimit: 1_000, dueAheadLimit: 100, workerStaleMs: 60_000 };

/** Claims one job at a time at `now`, `times` times; returns the labels claimed ('-' for an empty claim). */
async function claimLabels(s: Storage, times: number, now = T0): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) out.push((await claim(s, { now }))[0]?.name ?? '-');
  return out;
}

/** The stored running job named `label`. */
async function runningNamed(s: Storage, label: string): Promise<JobRecord> {
  const found = (await listAll(s, QUEUE, ['running'])).find((j) => j.name === label);
  if (found === undefined) throw new Error(`no running job named ${label}`);
  return found;
}

/** Registers the per-group caps: `groupConcurrency` at claims and `groupMaxWaiting` at adds. */
export function describeGroupLimits(harness: StorageHarness): void {
  describe('groups: groupConcurrency', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('is stored, read back, and removed by null', async () => {
      const s = storage();
      expect((await addQueue(s)).groupConcurrency ?? null).toBeNull();
      expect((await addQueue(s, { groupConcurrency: 2, groupMaxWaiting: 5 })).groupConcurrency).toBe(2);
      const stored = await s.getQueue(QUEUE);
      expect([stored?.groupConcurrency, stored?.groupMaxWaiting]).toEqual([2, 5]);
      expect((await addQueue(s, { paused: false })).groupConcurrency).toBe(2);
      const cleared = await addQueue(s, { groupConcurrency: null, groupMaxWaiting: null });
      expect([cleared.groupConcurrency ?? null, cleared.groupMaxWaiting ?? null]).toEqual([null, null]);
      expect((await s.listQueues()).map((q) => q.groupConcurrency ?? null)).toEqual([null]);
    });

    it('a capped group is skipped and keeps its turn', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 3), groupJobs('C', 'c', 3)]);
      expect(await claimLabels(s, 4)).toEqual(['a0', 'b0', 'c0', '-']);
      await settleOk(s, await runningNamed(s, 'b0'), T0 + 1);
      expect(await claimLabels(s, 2, T0 + 2)).toEqual(['b1', '-']);
      await settleOk(s, await runningNamed(s, 'c0'), T0 + 3);
      expect(await claimLabels(s, 1, T0 + 4)).toEqual(['c1']);
      // A was passed over twice and kept the front of the rotation: freed, it goes first.
      await settleOk(s, await runningNamed(s, 'a0'), T0 + 5);
      await settleOk(s, await runningNamed(s, 'b1'), T0 + 5);
      expect(await claimLabels(s, 3, T0 + 6)).toEqual(['a1', 'b2', '-']);
    });

    it('a batch claim stops at each group cap and equals single claims', async () => {
      const batch = storage();
      await addQueue(batch, { groupConcurrency: 2 });
      await addBatches(batch, [groupJobs('A', 'a', 5), groupJobs('B', 'b', 5)]);
      expect(labels(await claim(batch, { limit: 10 }))).toEqual(['a0', 'b0', 'a1', 'b1']);
      expect(await claim(batch, { limit: 10 })).toEqual([]);
      await settleOk(batch, await runningNamed(batch, 'a0'), T0 + 1);
      const r = await batch.settle({ queue: QUEUE, now: T0 + 2, completed: [], claim: { workerId: 'w', limit: 3, leaseMs: 30_000 } });
      expect(labels(r.claimed)).toEqual(['a2']);
    });

    it('counts a group running jobs at every level, and lower levels run meanwhile', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      await addBatches(s, [[{ group: 'A', name: 'a-high', priority: 5 }], [{ group: 'A', name: 'a-low' }], [{ group: 'B', name: 'b-low' }]]);
      expect(await claimLabels(s, 3)).toEqual(['a-high', 'b-low', '-']);
      await settleOk(s, await runningNamed(s, 'a-high'), T0 + 1);
      expect(await claimLabels(s, 1, T0 + 2)).toEqual(['a-low']);
    });

    it('binds named groups only: ungrouped jobs take their turns uncapped', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      await addBatches(s, [groupJobs(null, 'u', 3), groupJobs('A', 'a', 2)]);
      expect(labels(await claim(s, { limit: 10 }))).toEqual(['u0', 'a0', 'u1', 'u2']);
    });

    it('removing the cap lets a held group run at once', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      await addBatches(s, [groupJobs('A', 'a', 3)]);
      expect(await claimLabels(s, 2)).toEqual(['a0', '-']);
      await addQueue(s, { groupConcurrency: null });
      expect(labels(await claim(s, { limit: 5, now: T0 + 1 }))).toEqual(['a1', 'a2']);
    });

    it('keeps positions: a capped group keeps the places the rotation gives its jobs', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      const jobs = await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 3)]);
      const position = (i: number) => s.getPosition({ queue: QUEUE, id: nth(jobs, i).id, now: T0 + 2 });
      expect(await claimLabels(s, 2)).toEqual(['a0', 'b0']);
      await settleOk(s, await runningNamed(s, 'b0'), T0 + 1);
      expect([await position(1), await position(4), await position(2), await position(5)]).toEqual([1, 2, 3, 4]);
      // A is held, so b1 starts before a1; a1 stays first in line.
      expect(await claimLabels(s, 1, T0 + 2)).toEqual(['b1']);
      expect([await position(1), await position(5), await position(2)]).toEqual([1, 2, 3]);
    });

    it('position inputs carry the job group rank and running jobs', async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 3 });
      const jobs = await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 1), groupJobs(null, 'u', 1)]);
      await claim(s);
      const a2 = await s.getPositionInputs({ queue: QUEUE, id: nth(jobs, 2).id, now: T0, ...READ });
      expect(a2?.group).toEqual({ name: 'A', rank: 1, higher: 0, running: 1 });
      const b0 = await s.getPositionInputs({ queue: QUEUE, id: nth(jobs, 3).id, now: T0, ...READ });
      expect(b0?.group).toEqual({ name: 'B', rank: 0, higher: 0, running: 0 });
      const u0 = await s.getPositionInputs({ queue: QUEUE, id: nth(jobs, 4).id, now: T0, ...READ });
      expect(u0?.group).toBeUndefined();
      const later = await add(s, { group: 'A', name: 'later', runAt: T0 + 60_000 });
      expect((await s.getPositionInputs({ queue: QUEUE, id: later.id, now: T0, ...READ }))?.group).toBeUndefined();
    });

    it("position inputs count the group's ready jobs at higher levels, which take its slots first", async () => {
      const s = storage();
      await addQueue(s, { groupConcurrency: 1 });
      const urgent = (name: string, extra: Partial<NewJob> = {}) => ({ group: 'A', name, priority: 10, ...extra });
      await add(s, urgent('a0'));
      await add(s, urgent('a1'));
      const low = await add(s, { group: 'A', name: 'x', priority: 1 });
      await add(s, urgent('a2'));
      await add(s, urgent('soon', { runAt: T0 + 60_000 })); // not ready: not counted
      await add(s, { group: 'B', name: 'b0', priority: 10 }); // another group: not counted
      await add(s, { group: 'A', name: 'a-mid', priority: 5 });
      const inputs = await s.getPositionInputs({ queue: QUEUE, id: low.id, now: T0, ...READ });
      expect(inputs?.group).toEqual({ name: 'A', rank: 0, higher: 4, running: 0 });
      const bounded = await s.getPositionInputs({ queue: QUEUE, id: low.id, now: T0, ...READ, aheadWorkLimit: 2 });
      expect(bounded?.group?.higher).toBe(2);
    });
  });

  describe('groups: groupMaxWaiting', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('refuses the add with GroupFullError and writes nothing of the batch', async () => {
      const s = storage();
      await addQueue(s, { groupMaxWaiting: 2 });
      await addMany(s, groupJobs('A', 'a', 2));
      const err = await expectError(s.enqueue({ queue: QUEUE, now: T0, jobs: [harnessJob('B', 'b0'), harnessJob('A', 'a2')] }), GroupFullError, 'GROUP_FULL');
      expect([err.group, err.maxWaiting, err.index, err.path]).toEqual(['A', 2, 1, ['options', 'group']]);
      expect(labels(await listAll(s)).sort()).toEqual(['a0', 'a1']);
      await addMany(s, groupJobs('B', 'b', 2));
    });

    it('counts a batch own jobs, scheduled jobs too; running jobs free room', async () => {
      const s = storage();
      await addQueue(s, { groupMaxWaiting: 2 });
      const err = await expectError(s.enqueue({ queue: QUEUE, now: T0, jobs: [0, 1, 2].map((i) => harnessJob('A', `a${i}`)) }), GroupFullError, 'GROUP_FULL');
      expect(err.index).toBe(2);
      await addMany(s, [
        { group: 'A', name: 'a0' },
        { group: 'A', name: 'later', runAt: T0 + 60_000 },
      ]);
      await expectError(s.enqueue({ queue: QUEUE, now: T0, jobs: [harnessJob('A', 'a1')] }), GroupFullError, 'GROUP_FULL');
      await claim(s);
      await addMany(s, [{ group: 'A', name: 'a1' }], { now: T0 + 1 });
    });

    it('binds named groups only, and an idempotent repeat adds nothing to count', async () => {
      const s = storage();
      await addQueue(s, { groupMaxWaiting: 1 });
      await addMany(s, groupJobs(null, 'u', 3));
      await addMany(s, [{ group: 'A', name: 'a0', idempotencyKey: 'k' }]);
      const again = await s.enqueue({ queue: QUEUE, now: T0, jobs: [{ ...harnessJob('A', 'a0'), idempotencyKey: 'k' }] });
      expect(again.inserted).toEqual([false]);
      await addQueue(s, { groupMaxWaiting: null });
      await addMany(s, groupJobs('A', 'more', 2));
    });
  });
}

/** A whole new job of `group` named `label`, ready at T0. */
function harnessJob(group: string, label: string): NewJob {
  return newJob({ name: label, runAt: T0, group });
}
