/**
 * Leases: settling with the held lease writes the outcome; a stale, wrong or spent token settles
 * nothing and reports the job in `lost`; progress is guarded the same way (`LeaseLostError`);
 * `renewLeases` extends held leases and reports lost ones and cancel requests.
 * @internal
 */
import { LeaseLostError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import {
  add,
  addMany,
  addQueue,
  claim,
  claimOne,
  expectError,
  ids,
  jobError,
  nth,
  QUEUE,
  reread,
  settleFail,
  settleOk,
  T0,
  useStorage,
  WORKER,
} from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const reclaimError = { name: 'LeaseExpired', message: 'lease expired' };

/**
 * Claims a job with a 1 s lease, lets the lease expire and hands the job to `w-2`. The stall is
 * forgiven (the queue's default `maxStalls`), so the new claim has the same attempt number as the
 * stale one: only the lease token tells them apart, and every guard below must use it.
 */
async function stealJob(s: Storage) {
  await addQueue(s);
  await add(s);
  const stale = await claimOne(s, { leaseMs: 1_000 });
  const moved = await s.reclaimExpired({ now: T0 + 2_000, error: reclaimError });
  expect(moved.map((j) => [j.state, j.attempt, j.stalls])).toEqual([['queued', 0, 1]]);
  const current = await claimOne(s, { workerId: 'w-2', now: T0 + 2_001 });
  expect(current).toMatchObject({ id: stale.id, attempt: stale.attempt });
  expect(current.leaseToken).not.toBe(stale.leaseToken);
  return { stale, current };
}

/** Registers the lease area: settle and progress guards, `renewLeases`. */
export function describeLease(harness: StorageHarness): void {
  describe('lease', () => {
    const storage = useStorage(harness);

    it('complete with the held lease: completed, result, finishedAt, lease cleared, worker kept', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s, { now: T0 + 5 });
      const done = await settleOk(s, running, T0 + 50, { words: 1234, nested: [null, 'x'] });
      expect(done).toEqual({
        ...running,
        state: 'completed',
        result: { words: 1234, nested: [null, 'x'] },
        finishedAt: T0 + 50,
        leaseToken: null,
        leaseExpiresAt: null,
      });
      expect(await reread(s, running)).toEqual(done);
    });

    it('fail with a retryAt: queued at retryAt with the error, attempt kept, lease cleared', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s, { now: T0 + 5 });
      const error = { ...jobError(1, T0 + 9), stack: 'Error: boom\n    at handler' };
      const retried = await settleFail(s, running, T0 + 9, T0 + 1_000, error);
      expect(retried).toMatchObject({ state: 'queued', runAt: T0 + 1_000, attempt: 1, error, finishedAt: null, leaseToken: null, leaseExpiresAt: null });
      expect(await reread(s, running)).toEqual(retried);
    });

    it('fail without a retryAt: failed, error kept, finishedAt set', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s, { now: T0 + 5 });
      const failed = await settleFail(s, running, T0 + 9, null);
      expect(failed).toEqual({
        ...running,
        state: 'failed',
        error: jobError(1, T0 + 9),
        finishedAt: T0 + 9,
        leaseToken: null,
        leaseExpiresAt: null,
      });
    });

    it('settles several jobs of each kind in one call', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}, {}]);
      const [a, b, c, d] = await claim(s, { limit: 4 });
      if (!a || !b || !c || !d) throw new Error('expected four claimed jobs');
      await s.cancel({ queue: d.queue, id: d.id, now: T0 + 1 });
      const r = await s.settle({
        queue: QUEUE,
        now: T0 + 2,
        completed: [
          { id: a.id, leaseToken: a.leaseToken ?? '', result: 'a' },
          { id: b.id, leaseToken: b.leaseToken ?? '', result: 'b' },
        ],
        failed: [{ id: c.id, leaseToken: c.leaseToken ?? '', retryAt: null, error: jobError(1, T0 + 2) }],
        cancelled: [{ id: d.id, leaseToken: d.leaseToken ?? '', error: null }],
      });
      expect(r.lost).toEqual([]);
      expect(r.claimed).toEqual([]);
      const states = Object.fromEntries(r.settled.map((j) => [j.id, j.state]));
      expect(states).toEqual({ [a.id]: 'completed', [b.id]: 'completed', [c.id]: 'failed', [d.id]: 'cancelled' });
    });

    it("an item's startedAt (a prefetched job's real start) is stored with its outcome; without one, the claim's stays", async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}, {}, {}]);
      const [a, b, c, d, e] = await claim(s, { limit: 5 });
      if (!a || !b || !c || !d || !e) throw new Error('expected five claimed jobs');
      const lease = (j: typeof a) => ({ id: j.id, leaseToken: j.leaseToken ?? '' });
      const r = await s.settle({
        queue: QUEUE,
        now: T0 + 50,
        completed: [
          { ...lease(a), result: 'a', startedAt: T0 + 10 },
          { ...lease(b), result: 'b' },
        ],
        failed: [
          { ...lease(c), retryAt: T0 + 1_000, error: jobError(1, T0 + 50), startedAt: T0 + 20 },
          { ...lease(d), retryAt: null, error: jobError(1, T0 + 50), startedAt: T0 + 30 },
        ],
        cancelled: [{ ...lease(e), error: null, startedAt: T0 + 40 }],
      });
      expect(r.lost).toEqual([]);
      const started = Object.fromEntries(r.settled.map((j) => [j.id, j.startedAt]));
      expect(started).toEqual({ [a.id]: T0 + 10, [b.id]: T0, [c.id]: T0 + 20, [d.id]: T0 + 30, [e.id]: T0 + 40 });
      for (const j of [a, b, c, d, e]) expect((await reread(s, j)).startedAt).toBe(started[j.id]);
    });

    it('a stale token settles nothing: complete, fail and cancel-ack all land in lost', async () => {
      const s = storage();
      const { stale, current } = await stealJob(s);
      const lease = { id: stale.id, leaseToken: stale.leaseToken ?? '' };
      const attempts = [
        { completed: [{ ...lease, result: 'stale' }] },
        { failed: [{ ...lease, retryAt: null, error: jobError(1, T0 + 3_000) }] },
        { failed: [{ ...lease, retryAt: T0 + 9_000, error: jobError(1, T0 + 3_000) }] },
        { cancelled: [{ ...lease, error: null }] },
      ];
      for (const items of attempts) {
        const r = await s.settle({ queue: QUEUE, now: T0 + 3_000, ...items });
        expect(r).toEqual({ settled: [], lost: [stale.id], claimed: [] });
        expect(await reread(s, stale)).toEqual(current);
      }
    });

    it('a wrong token on a held lease settles nothing, and the right one still works', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const r = await s.settle({ queue: QUEUE, now: T0 + 1, completed: [{ id: running.id, leaseToken: 'not-the-token', result: 1 }] });
      expect(r).toEqual({ settled: [], lost: [running.id], claimed: [] });
      expect(await reread(s, running)).toEqual(running);
      expect((await settleOk(s, running, T0 + 2)).state).toBe('completed');
    });

    it('a settled job cannot be settled again with its old token', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const done = await settleOk(s, running, T0 + 1, 'first');
      const lease = { id: running.id, leaseToken: running.leaseToken ?? '' };
      const again = await s.settle({
        queue: QUEUE,
        now: T0 + 2,
        completed: [{ ...lease, result: 'second' }],
      });
      expect(again.lost).toEqual([running.id]);
      const fail = await s.settle({ queue: QUEUE, now: T0 + 3, failed: [{ ...lease, retryAt: T0 + 4, error: jobError(1, T0 + 3) }] });
      expect(fail.lost).toEqual([running.id]);
      expect(await reread(s, running)).toEqual(done);
    });

    it('a mixed settle writes the held leases and reports only the lost ones', async () => {
      const s = storage();
      const { stale } = await stealJob(s);
      const fresh = await add(s, {}, { now: T0 + 2_002 });
      const held = await claimOne(s, { now: T0 + 2_003 });
      expect(held.id).toBe(fresh.id);
      const r = await s.settle({
        queue: QUEUE,
        now: T0 + 2_004,
        completed: [
          { id: stale.id, leaseToken: stale.leaseToken ?? '', result: 'stale' },
          { id: held.id, leaseToken: held.leaseToken ?? '', result: 'ok' },
        ],
      });
      expect(r.lost).toEqual([stale.id]);
      expect(r.settled.map((j) => [j.id, j.state, j.result])).toEqual([[held.id, 'completed', 'ok']]);
      expect((await reread(s, stale)).state).toBe('running');
    });

    it('an unknown id lands in lost', async () => {
      const s = storage();
      await addQueue(s);
      const r = await s.settle({ queue: QUEUE, now: T0, completed: [{ id: 'no-such-job', leaseToken: 'x', result: null }] });
      expect(r).toEqual({ settled: [], lost: ['no-such-job'], claimed: [] });
    });

    it('reportProgress writes progress while the lease is held', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const progress = { percent: 42.5, stage: 'transcribe', data: { chunk: 3, of: 8 } };
      const updated = await s.reportProgress({ queue: QUEUE, id: running.id, leaseToken: running.leaseToken ?? '', progress, now: T0 + 7 });
      expect(updated).toEqual({ ...running, progress: { ...progress, updatedAt: T0 + 7 } });
      expect(await reread(s, running)).toEqual(updated);
      const stageOnly = await s.reportProgress({
        queue: QUEUE,
        id: running.id,
        leaseToken: running.leaseToken ?? '',
        progress: { percent: null, stage: 'upload' },
        now: T0 + 8,
      });
      expect(stageOnly.progress).toEqual({ percent: null, stage: 'upload', updatedAt: T0 + 8 });
    });

    it('reportProgress with a stale or wrong token throws LeaseLostError and writes nothing', async () => {
      const s = storage();
      const { stale, current } = await stealJob(s);
      const progress = { percent: 99, stage: 'stale' };
      const err = await expectError(
        s.reportProgress({ queue: QUEUE, id: stale.id, leaseToken: stale.leaseToken ?? '', progress, now: T0 + 3_000 }),
        LeaseLostError,
        'LEASE_LOST',
      );
      expect(err.jobId).toBe(stale.id);
      await expectError(s.reportProgress({ queue: QUEUE, id: stale.id, leaseToken: 'not-the-token', progress, now: T0 + 3_000 }), LeaseLostError, 'LEASE_LOST');
      expect(await reread(s, stale)).toEqual(current);
    });

    it('reportProgress on a finished job throws LeaseLostError', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const done = await settleOk(s, running, T0 + 1);
      await expectError(
        s.reportProgress({ queue: QUEUE, id: running.id, leaseToken: running.leaseToken ?? '', progress: { percent: 1, stage: null }, now: T0 + 2 }),
        LeaseLostError,
        'LEASE_LOST',
      );
      expect(await reread(s, running)).toEqual(done);
    });

    it('renewLeases extends held leases and reports cancel requests', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}]);
      const [a, b] = await claim(s, { limit: 2, leaseMs: 1_000 });
      if (!a || !b) throw new Error('expected two claimed jobs');
      await s.cancel({ queue: b.queue, id: b.id, now: T0 + 100 });
      const leases = [a, b].map((j) => ({ id: j.id, leaseToken: j.leaseToken ?? '' }));
      const states = await s.renewLeases({ workerId: WORKER, queue: QUEUE, leases, leaseMs: 1_000, now: T0 + 500 });
      const byId = new Map(states.map((st) => [st.id, st]));
      expect(states).toHaveLength(2);
      expect(byId.get(a.id)).toEqual({ id: a.id, held: true, cancelRequested: false, leaseExpiresAt: T0 + 1_500 });
      expect(byId.get(b.id)).toEqual({ id: b.id, held: true, cancelRequested: true, leaseExpiresAt: T0 + 1_500 });
      expect((await reread(s, a)).leaseExpiresAt).toBe(T0 + 1_500);
      expect(await s.reclaimExpired({ now: T0 + 1_200, error: reclaimError })).toEqual([]);
    });

    it('renewLeases reports a lost lease as not held and leaves the job alone', async () => {
      const s = storage();
      const { stale, current } = await stealJob(s);
      const [state] = await s.renewLeases({
        workerId: WORKER,
        queue: stale.queue,
        leases: [{ id: stale.id, leaseToken: stale.leaseToken ?? '' }],
        leaseMs: 60_000,
        now: T0 + 3_000,
      });
      expect(state).toMatchObject({ id: stale.id, held: false });
      expect(await reread(s, stale)).toEqual(current);
    });

    it("the stale owner's heartbeat (every lease under its worker id) does not renew the job it lost", async () => {
      const s = storage();
      const { stale, current } = await stealJob(s);
      expect(await s.renewLeases({ workerId: WORKER, queue: QUEUE, leaseMs: 60_000, now: T0 + 3_000 })).toEqual([]);
      expect(await reread(s, stale)).toEqual(current);
    });

    it('renewLeases reports a finished job as not held', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      const done = await settleOk(s, running, T0 + 1);
      const states = await s.renewLeases({
        workerId: WORKER,
        queue: running.queue,
        leases: [{ id: running.id, leaseToken: running.leaseToken ?? '' }],
        leaseMs: 60_000,
        now: T0 + 2,
      });
      expect(states).toEqual([expect.objectContaining({ id: running.id, held: false })]);
      expect(await reread(s, running)).toEqual(done);
    });

    it("renewLeases renews in its queue only: every job running under the worker, never another queue's lease", async () => {
      const s = storage();
      await addQueue(s);
      await s.upsertQueue({ name: 'other', now: T0 });
      await addMany(s, [{}, {}, {}]);
      await add(s, {}, { queue: 'other' });
      const mine = await claim(s, { limit: 2, leaseMs: 1_000 });
      const theirs = await claimOne(s, { workerId: 'w-2', leaseMs: 1_000 });
      const elsewhere = await claimOne(s, { queue: 'other', leaseMs: 1_000 });
      const first = nth(mine, 0);
      await s.cancel({ queue: first.queue, id: first.id, now: T0 + 10 });
      const states = await s.renewLeases({ workerId: WORKER, queue: QUEUE, leaseMs: 1_000, now: T0 + 500 });
      expect(states.map((st) => st.id).sort()).toEqual(ids(mine).sort());
      expect(states.every((st) => st.held && st.leaseExpiresAt === T0 + 1_500)).toBe(true);
      expect(states.find((st) => st.id === first.id)?.cancelRequested).toBe(true);
      expect((await reread(s, theirs)).leaseExpiresAt).toBe(T0 + 1_000);
      expect((await reread(s, elsewhere)).leaseExpiresAt).toBe(T0 + 1_000);
      // A lease of another queue's job, named through this queue, is not renewed.
      const [named] = await s.renewLeases({
        workerId: WORKER,
        queue: QUEUE,
        leases: [{ id: elsewhere.id, leaseToken: elsewhere.leaseToken ?? '' }],
        leaseMs: 1_000,
        now: T0 + 600,
      });
      expect(named).toEqual({ id: elsewhere.id, held: false, cancelRequested: false, leaseExpiresAt: null });
      expect((await reread(s, elsewhere)).leaseExpiresAt).toBe(T0 + 1_000);
      const reclaimed = await s.reclaimExpired({ now: T0 + 1_200, error: reclaimError });
      expect(ids(reclaimed).sort()).toEqual([theirs.id, elsewhere.id].sort());
    });

    it('a new claim of the same job hands out a new token, even when the attempt number repeats', async () => {
      const s = storage();
      const { stale, current } = await stealJob(s);
      expect(current.leaseToken).toEqual(expect.any(String));
      expect(current.leaseToken).not.toBe(stale.leaseToken);
      expect(current).toMatchObject({ workerId: 'w-2', attempt: 1, stalls: 1, startedAt: T0 + 2_001, leaseExpiresAt: T0 + 2_001 + 30_000 });
    });
  });
}
