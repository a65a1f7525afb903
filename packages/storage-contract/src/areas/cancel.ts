/**
 * Cancellation: a queued job ends `cancelled` at once; a running one gets `cancelRequested` and
 * ends `cancelled` when its worker settles it (cancel-ack or fail); final jobs refuse; a
 * cancelled job is returned as is.
 * @internal
 */
import { InvalidTransitionError, JobNotFoundError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import {
  add,
  addQueue,
  claim,
  claimOne,
  expectError,
  finishJob,
  jobError,
  newJob,
  QUEUE,
  reread,
  settleCancelled,
  settleFail,
  settleOk,
  T0,
  useStorage,
} from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Registers the cancel area: queued, running, final, unknown and repeated cancels. */
export function describeCancel(harness: StorageHarness): void {
  describe('cancel', () => {
    const storage = useStorage(harness);

    it('cancels a queued job at once: cancelled, finishedAt, no position, never claimed', async () => {
      const s = storage();
      await addQueue(s);
      const job = await add(s);
      const cancelled = await s.cancel({ queue: job.queue, id: job.id, now: T0 + 5 });
      expect(cancelled).toEqual({ ...job, state: 'cancelled', finishedAt: T0 + 5 });
      expect(await reread(s, job)).toEqual(cancelled);
      expect(await s.getPosition({ queue: job.queue, id: job.id, now: T0 + 6 })).toBeNull();
      expect(await claim(s, { now: T0 + 6 })).toEqual([]);
    });

    it('cancels a scheduled job at once', async () => {
      const s = storage();
      await addQueue(s);
      const job = await add(s, { runAt: T0 + 60_000 });
      expect((await s.cancel({ queue: job.queue, id: job.id, now: T0 + 5 })).state).toBe('cancelled');
      expect(await claim(s, { now: T0 + 120_000 })).toEqual([]);
    });

    it('a running job gets cancelRequested and keeps running with its lease', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const requested = await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 });
      expect(requested).toEqual({ ...running, cancelRequested: true });
      expect(await reread(s, running)).toEqual(requested);
    });

    it('a cancel-ack ends the running job cancelled, with the given error', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 });
      const error = { name: 'JobAbortedError', message: 'cancelled', code: 'JOB_CANCELLED', attempt: 1, at: T0 + 9 };
      const cancelled = await settleCancelled(s, running, T0 + 9, error);
      expect(cancelled).toMatchObject({ id: running.id, state: 'cancelled', finishedAt: T0 + 9, error, leaseToken: null });
      expect(await reread(s, running)).toEqual(cancelled);
    });

    it('a cancel-ack without an error ends the job cancelled too', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 });
      expect((await settleCancelled(s, running, T0 + 9, null)).state).toBe('cancelled');
    });

    it('a job that completes after its cancel was answered ends completed and its record says the cancel came', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      expect((await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 })).cancelRequested).toBe(true);
      const completed = await settleOk(s, running, T0 + 9, 'done anyway');
      expect(completed).toMatchObject({ state: 'completed', cancelRequested: true, result: 'done anyway' });
      expect(await reread(s, running)).toEqual(completed);
    });

    it('a fail for a cancel-requested job ends it cancelled, even with a retryAt', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 5 });
      const running = await claimOne(s);
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 });
      const settled = await settleFail(s, running, T0 + 9, T0 + 1_000, jobError(1, T0 + 9, 'aborted'));
      expect(settled).toMatchObject({ id: running.id, state: 'cancelled', finishedAt: T0 + 9 });
      expect(await reread(s, running)).toEqual(settled);
      expect(await claim(s, { now: T0 + 2_000 })).toEqual([]);
    });

    it('refuses completed and failed jobs with InvalidTransitionError, writing nothing', async () => {
      const s = storage();
      await addQueue(s);
      const completed = await finishJob(s, { claimAt: T0, finishAt: T0 + 1, outcome: 'completed' });
      const failed = await finishJob(s, { claimAt: T0 + 2, finishAt: T0 + 3, outcome: 'failed' });
      for (const job of [completed, failed]) {
        const err = await expectError(s.cancel({ queue: job.queue, id: job.id, now: T0 + 10 }), InvalidTransitionError, 'INVALID_TRANSITION');
        expect(err.jobId).toBe(job.id);
        expect(err.from).toBe(job.state);
        expect(await reread(s, job)).toEqual(job);
      }
    });

    it('throws JobNotFoundError for an unknown id', async () => {
      const s = storage();
      await addQueue(s);
      const err = await expectError(s.cancel({ queue: QUEUE, id: 'no-such-job', now: T0 }), JobNotFoundError, 'JOB_NOT_FOUND');
      expect(err.jobId).toBe('no-such-job');
    });

    it('cancelling twice is harmless: a cancelled job is returned as is, a requested one stays requested', async () => {
      const s = storage();
      await addQueue(s);
      const queued = await add(s);
      const first = await s.cancel({ queue: queued.queue, id: queued.id, now: T0 + 1 });
      expect(await s.cancel({ queue: queued.queue, id: queued.id, now: T0 + 2 })).toEqual(first);
      expect(await reread(s, queued)).toEqual(first);

      await add(s);
      const running = await claimOne(s, { now: T0 + 3 });
      const requested = await s.cancel({ queue: running.queue, id: running.id, now: T0 + 4 });
      expect(await s.cancel({ queue: running.queue, id: running.id, now: T0 + 5 })).toEqual(requested);
      expect(await reread(s, running)).toEqual(requested);
    });

    it('a cancelled queued job no longer counts against maxSize', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1 });
      const job = await add(s);
      await s.cancel({ queue: job.queue, id: job.id, now: T0 + 1 });
      const next = await s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 + 2 });
      expect(next.inserted).toEqual([true]);
    });
  });
}
