/**
 * Retry by hand: a `failed` or `cancelled` job goes back to `queued` with its attempts reset and
 * is claimable again; every other state refuses, and an unknown id is not found.
 * @internal
 */
import { InvalidTransitionError, JobNotFoundError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claim, claimOne, expectError, finishJob, QUEUE, reread, settleCancelled, settleOk, T0, useStorage, WORKER } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Registers the retry area: `retry()` by hand from each state. */
export function describeRetry(harness: StorageHarness): void {
  describe('retry by hand', () => {
    const storage = useStorage(harness);

    it('a failed job goes back to queued with attempt 0, ready now, and is claimable again', async () => {
      const s = storage();
      await addQueue(s);
      const failed = await finishJob(s, { overrides: { maxAttempts: 1 }, claimAt: T0 + 1, finishAt: T0 + 2, outcome: 'failed' });
      const retried = await s.retry({ queue: failed.queue, id: failed.id, now: T0 + 100 });
      expect(retried).toMatchObject({
        id: failed.id,
        state: 'queued',
        attempt: 0,
        runAt: T0 + 100,
        finishedAt: null,
        leaseToken: null,
        leaseExpiresAt: null,
        cancelRequested: false,
      });
      expect(await reread(s, failed)).toEqual(retried);
      expect(await s.getPosition({ queue: failed.queue, id: failed.id, now: T0 + 100 })).toBe(1);
      const again = await claimOne(s, { now: T0 + 101 });
      expect(again).toMatchObject({ id: failed.id, attempt: 1, state: 'running' });
      expect((await settleOk(s, again, T0 + 102)).state).toBe('completed');
    });

    it('a retried job joins the back of its priority level', async () => {
      const s = storage();
      await addQueue(s);
      const failed = await finishJob(s, { claimAt: T0 + 1, finishAt: T0 + 2, outcome: 'failed' });
      const waiting = await add(s, {}, { now: T0 + 50 });
      await s.retry({ queue: failed.queue, id: failed.id, now: T0 + 100 });
      expect((await claimOne(s, { now: T0 + 200 })).id).toBe(waiting.id);
      expect((await claimOne(s, { now: T0 + 200 })).id).toBe(failed.id);
    });

    it('a cancelled job goes back to queued with the cancel request cleared', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 1 });
      const cancelled = await settleCancelled(s, running, T0 + 2);
      expect(cancelled.state).toBe('cancelled');
      const retried = await s.retry({ queue: running.queue, id: running.id, now: T0 + 10 });
      expect(retried).toMatchObject({ state: 'queued', attempt: 0, cancelRequested: false, finishedAt: null });
      const again = await claimOne(s, { now: T0 + 11 });
      expect(again.cancelRequested).toBe(false);
      const [lease] = await s.renewLeases({
        workerId: WORKER,
        queue: again.queue,
        leases: [{ id: again.id, leaseToken: again.leaseToken ?? '' }],
        leaseMs: 1_000,
        now: T0 + 12,
      });
      expect(lease).toMatchObject({ held: true, cancelRequested: false });
    });

    it('a job cancelled while queued can be retried too', async () => {
      const s = storage();
      await addQueue(s);
      const job = await add(s);
      await s.cancel({ queue: job.queue, id: job.id, now: T0 + 1 });
      expect((await s.retry({ queue: job.queue, id: job.id, now: T0 + 2 })).state).toBe('queued');
      expect((await claimOne(s, { now: T0 + 3 })).id).toBe(job.id);
    });

    it('retry with a runAt schedules the job', async () => {
      const s = storage();
      await addQueue(s);
      const failed = await finishJob(s, { claimAt: T0 + 1, finishAt: T0 + 2, outcome: 'failed' });
      const retried = await s.retry({ queue: failed.queue, id: failed.id, now: T0 + 10, runAt: T0 + 5_000 });
      expect(retried).toMatchObject({ state: 'queued', runAt: T0 + 5_000 });
      expect(await s.getPosition({ queue: failed.queue, id: failed.id, now: T0 + 10 })).toBeNull();
      expect(await claim(s, { now: T0 + 4_999 })).toEqual([]);
      expect((await claimOne(s, { now: T0 + 5_000 })).id).toBe(failed.id);
    });

    it('refuses completed, queued and running jobs with InvalidTransitionError, writing nothing', async () => {
      const s = storage();
      await addQueue(s);
      const completed = await finishJob(s, { claimAt: T0 + 1, finishAt: T0 + 2, outcome: 'completed' });
      await add(s, {}, { now: T0 + 3 });
      const running = await claimOne(s, { now: T0 + 3 });
      const queued = await add(s, {}, { now: T0 + 4 });
      for (const job of [completed, running, queued]) {
        const before = await reread(s, job);
        const err = await expectError(s.retry({ queue: job.queue, id: job.id, now: T0 + 10 }), InvalidTransitionError, 'INVALID_TRANSITION');
        expect(err.jobId).toBe(job.id);
        expect(err.from).toBe(before.state);
        expect(await reread(s, job)).toEqual(before);
      }
    });

    it('throws JobNotFoundError for an unknown id', async () => {
      const s = storage();
      await addQueue(s);
      await expectError(s.retry({ queue: QUEUE, id: 'no-such-job', now: T0 }), JobNotFoundError, 'JOB_NOT_FOUND');
    });
  });
}
