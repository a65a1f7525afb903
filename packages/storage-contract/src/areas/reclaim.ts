/**
 * Reclaiming expired leases, decided per job from its queue's stored `maxStalls`: a forgiven stall
 * goes back to `queued` in its place with the attempt handed back; past `maxStalls` a stall costs
 * the attempt (`queued` at the back with attempts left, `failed` without); a requested cancel ends
 * `cancelled`. Every stall is counted in `stalls`; unexpired leases and other queues are untouched.
 * @internal
 */
import type { Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addMany, addQueue, claim, claimOne, ids, only, QUEUE, reread, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const error = { name: 'LeaseExpired', message: 'the worker stopped renewing', code: 'LEASE_LOST' };

/** Claims the next job with a 1 s lease at `at` and lets a sweep at `at + 2 s` reclaim it; returns the moved record. */
async function stallOnce(s: Storage, at: number, queue = QUEUE) {
  const running = await claimOne(s, { queue, leaseMs: 1_000, now: at });
  const moved = only(await s.reclaimExpired({ queue, now: at + 2_000, error }));
  expect(moved.id).toBe(running.id);
  return moved;
}

/** Registers the reclaim area: what `reclaimExpired` moves, and where to. */
export function describeReclaim(harness: StorageHarness): void {
  describe('reclaim expired leases', () => {
    const storage = useStorage(harness);

    it('a queue stores maxStalls: 1 by default, written only when given, 0 allowed', async () => {
      const s = storage();
      await add(s, {}, { queue: 'fresh' });
      expect(await s.getQueue('fresh')).toMatchObject({ maxStalls: 1 });
      expect(await addQueue(s, { maxStalls: 0 })).toMatchObject({ maxStalls: 0 });
      expect(await addQueue(s, { concurrency: 2 })).toMatchObject({ maxStalls: 0, concurrency: 2 });
      expect(await addQueue(s, { maxStalls: 4 })).toMatchObject({ maxStalls: 4, concurrency: 2 });
      expect(await s.getQueue(QUEUE)).toEqual({ name: QUEUE, concurrency: 2, maxSize: null, paused: false, maxStalls: 4, draining: false });
    });

    it('a forgiven stall: back to queued in its place, attempt handed back, stall counted, error recorded', async () => {
      const s = storage();
      await addQueue(s);
      const first = await add(s, { maxAttempts: 1 });
      const running = await claimOne(s, { leaseMs: 1_000, now: T0 + 10 });
      await add(s, {}, { now: T0 + 20 });
      const moved = only(await s.reclaimExpired({ now: T0 + 5_000, error }));
      expect(moved).toMatchObject({
        id: running.id,
        state: 'queued',
        runAt: first.runAt,
        attempt: 0,
        stalls: 1,
        leaseToken: null,
        leaseExpiresAt: null,
        finishedAt: null,
        error: { ...error, attempt: 1, at: T0 + 5_000 },
      });
      expect(await reread(s, running)).toEqual(moved);
      expect(await s.getPosition({ queue: running.queue, id: running.id, now: T0 + 5_001 })).toBe(1);
      const again = await claimOne(s, { now: T0 + 5_001, workerId: 'w-2' });
      expect(again).toMatchObject({ id: running.id, attempt: 1, stalls: 1, workerId: 'w-2', startedAt: T0 + 5_001 });
      expect(again.leaseToken).not.toBe(running.leaseToken);
    });

    it('past maxStalls with attempts left, a stall costs the attempt: queued at the back of its level', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 3 });
      expect(await stallOnce(s, T0)).toMatchObject({ state: 'queued', attempt: 0, stalls: 1, runAt: T0 });
      const spent = await stallOnce(s, T0 + 3_000);
      expect(spent).toMatchObject({ state: 'queued', attempt: 1, stalls: 2, runAt: T0 + 5_000, finishedAt: null });
      expect(spent.error).toEqual({ ...error, attempt: 1, at: T0 + 5_000 });
      expect(await claimOne(s, { now: T0 + 6_000 })).toMatchObject({ id: spent.id, attempt: 2, stalls: 2 });
    });

    it('past maxStalls on the last attempt, the job fails with the lease error', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 1 });
      expect((await stallOnce(s, T0)).state).toBe('queued');
      const failed = await stallOnce(s, T0 + 3_000);
      expect(failed).toMatchObject({
        state: 'failed',
        attempt: 1,
        stalls: 2,
        finishedAt: T0 + 5_000,
        leaseToken: null,
        error: { ...error, attempt: 1, at: T0 + 5_000 },
      });
      expect(await reread(s, failed)).toEqual(failed);
      expect(await claim(s, { now: T0 + 6_000 })).toEqual([]);
    });

    it('maxStalls 0: every stall costs an attempt, and the last one fails the job', async () => {
      const s = storage();
      await addQueue(s, { maxStalls: 0 });
      await add(s, { maxAttempts: 2 });
      const requeued = await stallOnce(s, T0);
      expect(requeued).toMatchObject({ state: 'queued', attempt: 1, stalls: 1, runAt: T0 + 2_000, error: { ...error, attempt: 1 } });
      const failed = await stallOnce(s, T0 + 3_000);
      expect(failed).toMatchObject({ state: 'failed', attempt: 2, stalls: 2, finishedAt: T0 + 5_000, error: { ...error, attempt: 2, at: T0 + 5_000 } });
    });

    it('maxStalls 3: three stalls of a one-attempt job are forgiven, the fourth fails it', async () => {
      const s = storage();
      await addQueue(s, { maxStalls: 3 });
      await add(s, { maxAttempts: 1 });
      for (let i = 1; i <= 3; i++) {
        expect(await stallOnce(s, T0 + i * 3_000)).toMatchObject({ state: 'queued', attempt: 0, stalls: i, runAt: T0 });
      }
      expect(await stallOnce(s, T0 + 12_000)).toMatchObject({ state: 'failed', attempt: 1, stalls: 4 });
    });

    it('a cancel-requested job that stalls ends cancelled, its attempt untouched, the stall counted', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 5 });
      const running = await claimOne(s, { leaseMs: 1_000 });
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 100 });
      const cancelled = only(await s.reclaimExpired({ now: T0 + 2_000, error }));
      expect(cancelled).toMatchObject({ id: running.id, state: 'cancelled', attempt: 1, stalls: 1, finishedAt: T0 + 2_000, leaseToken: null, error: null });
      expect(await reread(s, running)).toEqual(cancelled);
      expect(await claim(s, { now: T0 + 3_000 })).toEqual([]);
    });

    it("in a sweep of every queue, each job is decided by its own queue's maxStalls", async () => {
      const s = storage();
      await addQueue(s, { name: 'strict', maxStalls: 0 });
      await addQueue(s, { name: 'lenient', maxStalls: 1 });
      const strict = await add(s, { maxAttempts: 1 }, { queue: 'strict' });
      const lenient = await add(s, { maxAttempts: 1 }, { queue: 'lenient' });
      await claimOne(s, { queue: 'strict', leaseMs: 1_000 });
      await claimOne(s, { queue: 'lenient', leaseMs: 1_000 });
      const moved = await s.reclaimExpired({ now: T0 + 2_000, error });
      const states = Object.fromEntries(moved.map((j) => [j.id, [j.state, j.attempt, j.stalls]]));
      expect(states).toEqual({ [strict.id]: ['failed', 1, 1], [lenient.id]: ['queued', 0, 1] });
    });

    it('retry by hand resets the stall count, so the next stall is forgiven again', async () => {
      const s = storage();
      await addQueue(s, { maxStalls: 0 });
      await add(s, { maxAttempts: 1 });
      const failed = await stallOnce(s, T0);
      expect(failed).toMatchObject({ state: 'failed', stalls: 1 });
      expect(await s.retry({ queue: failed.queue, id: failed.id, now: T0 + 3_000 })).toMatchObject({ state: 'queued', attempt: 0, stalls: 0 });
      await addQueue(s, { maxStalls: 1 });
      expect(await stallOnce(s, T0 + 4_000)).toMatchObject({ state: 'queued', attempt: 0, stalls: 1 });
    });

    it('leaves unexpired leases, queued and finished jobs untouched', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}]);
      const short = await claimOne(s, { leaseMs: 1_000 });
      const long = await claimOne(s, { leaseMs: 10_000 });
      const queued = await add(s, { runAt: T0 });
      const before = await Promise.all([long, queued].map((j) => reread(s, j)));
      const moved = await s.reclaimExpired({ now: T0 + 5_000, error });
      expect(ids(moved)).toEqual([short.id]);
      expect(await Promise.all([long, queued].map((j) => reread(s, j)))).toEqual(before);
      expect(await s.reclaimExpired({ now: T0 + 5_001, error })).toEqual([]);
    });

    it('a renewed lease is not reclaimed at its old expiry', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s, { leaseMs: 1_000 });
      await s.renewLeases({
        workerId: running.workerId ?? '',
        queue: running.queue,
        leases: [{ id: running.id, leaseToken: running.leaseToken ?? '' }],
        leaseMs: 1_000,
        now: T0 + 800,
      });
      expect(await s.reclaimExpired({ now: T0 + 1_500, error })).toEqual([]);
      expect(ids(await s.reclaimExpired({ now: T0 + 2_500, error }))).toEqual([running.id]);
    });

    it('limits the sweep to one queue when asked, and sweeps every queue otherwise', async () => {
      const s = storage();
      await addQueue(s, { name: 'a' });
      await addQueue(s, { name: 'b' });
      await add(s, {}, { queue: 'a' });
      await add(s, {}, { queue: 'b' });
      const a = await claimOne(s, { queue: 'a', leaseMs: 1_000 });
      const b = await claimOne(s, { queue: 'b', leaseMs: 1_000 });
      const bBefore = await reread(s, b);
      expect(ids(await s.reclaimExpired({ queue: 'a', now: T0 + 2_000, error }))).toEqual([a.id]);
      expect(await reread(s, b)).toEqual(bBefore);
      expect(ids(await s.reclaimExpired({ now: T0 + 2_000, error }))).toEqual([b.id]);
    });
  });
}
