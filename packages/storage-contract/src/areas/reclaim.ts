/**
 * Reclaiming expired leases: back to `queued` with the attempt counted, `failed` when attempts ran
 * out, `cancelled` when a cancel was requested; unexpired leases and other queues untouched.
 * @internal
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  addMany,
  addQueue,
  claim,
  claimOne,
  ids,
  only,
  reread,
  T0,
  useStorage,
} from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const error = { name: 'LeaseExpired', message: 'the worker stopped renewing', code: 'LEASE_LOST' };

/** Registers the reclaim area: what `reclaimExpired` moves, and where to. */
export function describeReclaim(harness: StorageHarness): void {
  describe('reclaim expired leases', () => {
    const storage = useStorage(harness);

    it('an expired lease with attempts left goes back to queued, attempt kept, error recorded', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 3 });
      const running = await claimOne(s, { leaseMs: 1_000, now: T0 + 10 });
      const moved = only(await s.reclaimExpired({ now: T0 + 5_000, error }));
      expect(moved).toMatchObject({
        id: running.id,
        state: 'queued',
        attempt: 1,
        leaseToken: null,
        leaseExpiresAt: null,
        finishedAt: null,
        error: { ...error, attempt: 1, at: T0 + 5_000 },
      });
      expect(moved.runAt).toBeLessThanOrEqual(T0 + 5_000);
      expect(await reread(s, running.id)).toEqual(moved);
    });

    it('the next claim of a reclaimed job is attempt + 1, at once', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const first = await claimOne(s, { leaseMs: 1_000 });
      await s.reclaimExpired({ now: T0 + 2_000, error });
      const second = await claimOne(s, { now: T0 + 2_000, workerId: 'w-2' });
      expect(second).toMatchObject({ id: first.id, state: 'running', attempt: 2, workerId: 'w-2', startedAt: T0 + 2_000 });
    });

    it('an expired lease on the last attempt fails the job with the given error', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 2 });
      await claimOne(s, { leaseMs: 1_000 });
      expect((only(await s.reclaimExpired({ now: T0 + 2_000, error }))).state).toBe('queued');
      const second = await claimOne(s, { leaseMs: 1_000, now: T0 + 3_000 });
      expect(second.attempt).toBe(2);
      const failed = only(await s.reclaimExpired({ now: T0 + 5_000, error }));
      expect(failed).toMatchObject({
        id: second.id,
        state: 'failed',
        attempt: 2,
        finishedAt: T0 + 5_000,
        leaseToken: null,
        error: { ...error, attempt: 2, at: T0 + 5_000 },
      });
      expect(await reread(s, second.id)).toEqual(failed);
      expect(await claim(s, { now: T0 + 6_000 })).toEqual([]);
    });

    it('an expired lease of a cancel-requested job ends cancelled', async () => {
      const s = storage();
      await addQueue(s);
      await add(s, { maxAttempts: 5 });
      const running = await claimOne(s, { leaseMs: 1_000 });
      await s.cancel({ queue: running.queue, id: running.id, now: T0 + 100 });
      const cancelled = only(await s.reclaimExpired({ now: T0 + 2_000, error }));
      expect(cancelled).toMatchObject({ id: running.id, state: 'cancelled', finishedAt: T0 + 2_000, leaseToken: null });
      expect(await reread(s, running.id)).toEqual(cancelled);
      expect(await claim(s, { now: T0 + 3_000 })).toEqual([]);
    });

    it('leaves unexpired leases, queued and finished jobs untouched', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}]);
      const short = await claimOne(s, { leaseMs: 1_000 });
      const long = await claimOne(s, { leaseMs: 10_000 });
      const queued = await add(s, { runAt: T0 });
      const before = await Promise.all([long, queued].map((j) => reread(s, j.id)));
      const moved = await s.reclaimExpired({ now: T0 + 5_000, error });
      expect(ids(moved)).toEqual([short.id]);
      expect(await Promise.all([long, queued].map((j) => reread(s, j.id)))).toEqual(before);
      expect(await s.reclaimExpired({ now: T0 + 5_001, error })).toEqual([]);
    });

    it('a renewed lease is not reclaimed at its old expiry', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s, { leaseMs: 1_000 });
      await s.renewLeases({
        workerId: running.workerId ?? '',
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
      const bBefore = await reread(s, b.id);
      expect(ids(await s.reclaimExpired({ queue: 'a', now: T0 + 2_000, error }))).toEqual([a.id]);
      expect(await reread(s, b.id)).toEqual(bBefore);
      expect(ids(await s.reclaimExpired({ now: T0 + 2_000, error }))).toEqual([b.id]);
    });
  });
}
