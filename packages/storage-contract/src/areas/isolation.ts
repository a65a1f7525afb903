/**
 * Contract area: queue isolation. Every call that names a job by id acts only on the queue it is
 * made on: a job of another queue is not found (`JobNotFoundError`, or null for reads), and
 * nothing of it changes. Proven on the seam and through `Queue`, so a right to manage one queue
 * (an HTTP admin route, a CLI command) never becomes a right to manage another's jobs.
 */
import { JobNotFoundError, type JobRecord, LeaseLostError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claimOne, expectError, finishJob, reread, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';

const POSITION = { now: T0 + 1, sampleLimit: 5, aheadListLimit: 10, aheadWorkLimit: 100, dueAheadLimit: 100, workerStaleMs: 60_000 };

/** A queued, a scheduled, a running and a failed job of queue `a`, plus queue `b` (empty). */
async function jobsOfA(s: Storage): Promise<Record<'queued' | 'scheduled' | 'running' | 'failed', JobRecord>> {
  await addQueue(s);
  await s.upsertQueue({ name: 'a', now: T0 });
  await s.upsertQueue({ name: 'b', now: T0 });
  const failed = await finishJob(s, { queue: 'a', now: T0, claimAt: T0, finishAt: T0, outcome: 'failed' });
  const running = await add(s, {}, { queue: 'a' });
  await claimOne(s, { queue: 'a', now: T0 });
  const queued = await add(s, {}, { queue: 'a' });
  const scheduled = await add(s, { runAt: T0 + 60_000 }, { queue: 'a' });
  return { queued, scheduled, failed, running: (await reread(s, running.id, 'a')) as JobRecord };
}

/** Registers the isolation area. */
export function describeIsolation(harness: StorageHarness): void {
  describe(`${harness.name}: queue isolation`, () => {
    const storage = useStorage(harness);

    it('a by-id move on queue b never touches a job of queue a: JobNotFoundError, nothing written', async () => {
      const s = storage();
      const jobs = await jobsOfA(s);
      const before = await Promise.all(Object.values(jobs).map((j) => reread(s, j.id, 'a')));
      for (const job of Object.values(jobs)) {
        const ref = { queue: 'b', id: job.id };
        const cancel = await expectError(s.cancel({ ...ref, now: T0 + 1 }), JobNotFoundError, 'JOB_NOT_FOUND');
        expect(cancel.jobId).toBe(job.id);
        await expectError(s.retry({ ...ref, now: T0 + 1 }), JobNotFoundError, 'JOB_NOT_FOUND');
        await expectError(s.changePriority({ ...ref, priority: 4 }), JobNotFoundError, 'JOB_NOT_FOUND');
        await expectError(s.promote({ ...ref, now: T0 + 1 }), JobNotFoundError, 'JOB_NOT_FOUND');
        // A queue that does not exist at all is no way around it either.
        await expectError(s.cancel({ queue: 'never-created', id: job.id, now: T0 + 1 }), JobNotFoundError, 'JOB_NOT_FOUND');
      }
      expect(await Promise.all(Object.values(jobs).map((j) => reread(s, j.id, 'a')))).toEqual(before);
    });

    it('position reads on queue b see no job of queue a', async () => {
      const s = storage();
      const { queued } = await jobsOfA(s);
      expect(await s.getPosition({ queue: 'a', id: queued.id, now: T0 + 1 })).toBe(1);
      expect(await s.getPosition({ queue: 'b', id: queued.id, now: T0 + 1 })).toBeNull();
      expect((await s.getPositionInputs({ queue: 'a', id: queued.id, ...POSITION }))?.job.id).toBe(queued.id);
      expect(await s.getPositionInputs({ queue: 'b', id: queued.id, ...POSITION })).toBeNull();
    });

    it('getJob on queue b answers null for every job of queue a, whatever its state', async () => {
      const s = storage();
      const jobs = await jobsOfA(s);
      for (const job of Object.values(jobs)) {
        expect(await s.getJob({ queue: 'a', id: job.id })).toEqual(job);
        expect(await s.getJob({ queue: 'b', id: job.id })).toBeNull();
        expect(await s.getJob({ queue: 'never-created', id: job.id })).toBeNull();
      }
    });

    it("reportProgress named on queue b misses the guard of queue a's running job: LeaseLostError, nothing written", async () => {
      const s = storage();
      const { running } = await jobsOfA(s);
      const lease = { id: running.id, leaseToken: running.leaseToken ?? '' };
      const progress = { percent: 10, stage: 'elsewhere' };
      await expectError(s.reportProgress({ queue: 'b', ...lease, progress, now: T0 + 1 }), LeaseLostError, 'LEASE_LOST');
      expect(await reread(s, running.id, 'a')).toEqual(running);
      const mine = await s.reportProgress({ queue: 'a', ...lease, progress, now: T0 + 2 });
      expect(mine.progress).toEqual({ ...progress, updatedAt: T0 + 2 });
    });

    it("settle named on queue b misses the guard of queue a's running job: listed in lost, nothing written", async () => {
      const s = storage();
      const { running } = await jobsOfA(s);
      const lease = { id: running.id, leaseToken: running.leaseToken ?? '' };
      const items = [
        { completed: [{ ...lease, result: null }] },
        { failed: [{ ...lease, error: { name: 'E', message: 'x', attempt: 1, at: T0 + 1 }, retryAt: null }] },
        { cancelled: [{ ...lease, error: null }] },
        { released: [lease] },
      ];
      for (const item of items) {
        expect(await s.settle({ queue: 'b', now: T0 + 1, ...item })).toEqual({ settled: [], lost: [running.id], claimed: [] });
      }
      expect(await reread(s, running)).toEqual(running);
      expect((await s.settle({ queue: 'a', now: T0 + 2, completed: [{ ...lease, result: 1 }] })).settled.map((j) => j.state)).toEqual(['completed']);
    });

    it('the same moves on the job own queue still work', async () => {
      const s = storage();
      const jobs = await jobsOfA(s);
      expect((await s.promote({ queue: 'a', id: jobs.scheduled.id, now: T0 + 1 })).runAt).toBe(T0 + 1);
      expect((await s.changePriority({ queue: 'a', id: jobs.queued.id, priority: 4 })).priority).toBe(4);
      expect((await s.retry({ queue: 'a', id: jobs.failed.id, now: T0 + 1 })).state).toBe('queued');
      expect((await s.cancel({ queue: 'a', id: jobs.running.id, now: T0 + 1 })).cancelRequested).toBe(true);
    });
  });

  describe(`${harness.name}: queue isolation through Queue`, () => {
    const live = useLive(harness);

    it('queueB.cancel/retry/changePriority/promote/status/position/finished with a job of queue A: JOB_NOT_FOUND, A untouched', async () => {
      const a = live.queue('iso-a');
      const b = live.queue('iso-b');
      const ready = await a.add({ n: 1 });
      const delayed = await a.add({ n: 2 }, { delayMs: 60_000 });
      const calls: Array<() => Promise<unknown>> = [
        () => b.cancel(ready.id),
        () => b.retry(ready.id),
        () => b.changePriority(ready.id, 4),
        () => b.promote(delayed.id),
        () => b.getStatus(ready.id),
        () => b.job(ready.id),
        // The first read answers JOB_NOT_FOUND; the timeout only has to outlast it, on a loaded machine too.
        () => b.finished(ready.id, { timeoutMs: 10_000 }),
      ];
      for (const call of calls) {
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(JobNotFoundError);
      }
      expect(await b.getPosition(ready.id)).toBeNull();
      expect(await b.getJob(ready.id)).toBeNull();
      expect(await a.getPosition(ready.id)).toBe(1);
      const after = await a.getJob(ready.id);
      expect(after).toMatchObject({ state: 'queued', priority: ready.record.priority, cancelRequested: false });
      expect((await a.getJob(delayed.id))?.runAt).toBe(delayed.record.runAt);
    });
  });
}
