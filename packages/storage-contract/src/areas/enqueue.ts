/**
 * Enqueue: what is written is what was given, a batch is all or nothing, idempotency keys match
 * instead of inserting, `seq` follows insertion, and `maxSize` counts waiting jobs only.
 * @internal
 */
import { QueueFullError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addMany, addQueue, claimOne, expectError, ids, listAll, newJob, nth, only, QUEUE, reread, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Registers the enqueue area: round-trips, all-or-nothing batches, idempotency keys, `seq`, `maxSize`. */
export function describeEnqueue(harness: StorageHarness): void {
  describe('enqueue', () => {
    const storage = useStorage(harness);

    it('stores every field as given and returns the stored record', async () => {
      const s = storage();
      await addQueue(s);
      const input = newJob({
        name: 'transcribe',
        payload: { meetingId: 'm-42', text: 'héllo ✓ 日本', nested: { list: [1, 'two', null, { deep: true }] } },
        priority: 3,
        runAt: T0 + 5_000,
        maxAttempts: 5,
        backoff: { kind: 'exponential', baseMs: 1_000, maxMs: 60_000, jitter: 0.2 },
        timeoutMs: 3_600_000,
        size: 1800.5,
        idempotencyKey: 'meeting-42',
      });
      const { jobs, inserted } = await s.enqueue({ queue: QUEUE, jobs: [input], now: T0 + 1 });
      expect(inserted).toEqual([true]);
      const stored = only(jobs);
      expect(stored).toEqual({
        ...input,
        queue: QUEUE,
        state: 'queued',
        seq: expect.any(Number),
        attempt: 0,
        stalls: 0,
        createdAt: T0 + 1,
        startedAt: null,
        finishedAt: null,
        leaseToken: null,
        leaseExpiresAt: null,
        workerId: null,
        cancelRequested: false,
        progress: null,
        result: null,
        error: null,
      });
      expect(await s.getJob({ queue: QUEUE, id: input.id })).toEqual(stored);
    });

    it('round-trips every backoff kind and every JSON payload shape', async () => {
      const s = storage();
      await addQueue(s);
      const inputs = [
        newJob({ payload: 'text', backoff: { kind: 'fixed', delayMs: 500 } }),
        newJob({ payload: 42.5, backoff: { kind: 'list', delaysMs: [30_000, 120_000, 300_000] } }),
        newJob({ payload: [1, 'two', { three: [3] }], backoff: { kind: 'custom' } }),
        newJob({ payload: null, backoff: null }),
        newJob({ payload: true, backoff: { kind: 'exponential', baseMs: 10, maxMs: 10_000, jitter: 0 } }),
        newJob({ payload: {}, size: 0.25, timeoutMs: 1 }),
      ];
      await s.enqueue({ queue: QUEUE, jobs: inputs, now: T0 });
      for (const input of inputs) {
        const stored = await reread(s, input.id);
        expect({ payload: stored.payload, backoff: stored.backoff, size: stored.size, timeoutMs: stored.timeoutMs }).toEqual({
          payload: input.payload,
          backoff: input.backoff,
          size: input.size,
          timeoutMs: input.timeoutMs,
        });
      }
    });

    it('returns jobs in the order given, with seq increasing in insertion order', async () => {
      const s = storage();
      await addQueue(s);
      const first = await addMany(s, [{}, {}, {}]);
      const later = await add(s, {}, { now: T0 + 1 });
      const seqs = [...first, later].map((j) => j.seq);
      for (let i = 1; i < seqs.length; i++) expect(nth(seqs, i)).toBeGreaterThan(nth(seqs, i - 1));
    });

    it('takes a batch of 10,000 jobs in one call, all written in order', async () => {
      const s = storage();
      await addQueue(s);
      const list = Array.from({ length: 10_000 }, (_, i) => ({ payload: { i, text: 'x'.repeat(40) }, size: i % 7 === 0 ? null : i }));
      const jobs = await addMany(s, list);
      expect(jobs.map((j) => j.seq)).toEqual([...jobs.map((j) => j.seq)].sort((a, b) => a - b));
      const last = await reread(s, nth(jobs, 9_999).id);
      expect(last?.payload).toEqual({ i: 9_999, text: 'x'.repeat(40) });
      expect(last?.size).toBe(9_999);
    });

    it('keeps queues apart', async () => {
      const s = storage();
      await addQueue(s, { name: 'a' });
      await addQueue(s, { name: 'b' });
      const a = await addMany(s, [{}, {}], { queue: 'a' });
      const b = await add(s, {}, { queue: 'b' });
      expect(ids(await listAll(s, 'a'))).toEqual(ids(a));
      expect(ids(await listAll(s, 'b'))).toEqual([b.id]);
      expect(b.queue).toBe('b');
    });

    it('writes nothing when a batch repeats an id', async () => {
      const s = storage();
      await addQueue(s);
      const a = newJob();
      const b = newJob();
      await expect(s.enqueue({ queue: QUEUE, jobs: [a, b, newJob({ id: a.id })], now: T0 })).rejects.toThrow();
      expect(await listAll(s)).toEqual([]);
      expect(await s.getJob({ queue: QUEUE, id: a.id })).toBeNull();
      expect(await s.getJob({ queue: QUEUE, id: b.id })).toBeNull();
    });

    it('writes nothing when a batch reuses a stored id', async () => {
      const s = storage();
      await addQueue(s);
      const stored = await add(s, { payload: { v: 1 } });
      const fresh = newJob();
      const clash = newJob({ id: stored.id, payload: { v: 2 } });
      await expect(s.enqueue({ queue: QUEUE, jobs: [fresh, clash], now: T0 + 1 })).rejects.toThrow();
      expect(await listAll(s)).toEqual([stored]);
      expect(await s.getJob({ queue: QUEUE, id: fresh.id })).toBeNull();
    });

    it('a batch that would pass maxSize writes nothing and throws QueueFullError', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 3 });
      const kept = await addMany(s, [{}, {}]);
      const batch = [newJob(), newJob()];
      const err = await expectError(s.enqueue({ queue: QUEUE, jobs: batch, now: T0 }), QueueFullError, 'QUEUE_FULL');
      expect(err.queue).toBe(QUEUE);
      expect(err.maxSize).toBe(3);
      expect(ids(await listAll(s))).toEqual(ids(kept));
      for (const job of batch) expect(await s.getJob({ queue: QUEUE, id: job.id })).toBeNull();
      // Filling the queue to exactly maxSize is allowed; one more is not.
      await add(s);
      await expectError(s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 }), QueueFullError, 'QUEUE_FULL');
      expect(await listAll(s)).toHaveLength(3);
    });

    it('maxSize counts queued jobs, ready and scheduled, and nothing else', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 2 });
      const ready = await add(s);
      const scheduled = await add(s, { runAt: T0 + 60_000 });
      await expectError(s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 }), QueueFullError, 'QUEUE_FULL');

      const running = await claimOne(s, { now: T0 + 1 });
      expect(running.id).toBe(ready.id);
      await add(s, {}, { now: T0 + 2 }); // a running job does not wait
      await expectError(s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 + 3 }), QueueFullError, 'QUEUE_FULL');

      await settleOk(s, running, T0 + 4); // nor does a completed one, but two still wait
      await expectError(s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 + 5 }), QueueFullError, 'QUEUE_FULL');

      await s.cancel({ queue: scheduled.queue, id: scheduled.id, now: T0 + 6 }); // a cancelled job no longer waits
      await add(s, {}, { now: T0 + 7 });
      expect(await listAll(s, QUEUE, ['queued'])).toHaveLength(2);
      expect(await listAll(s)).toHaveLength(4);
    });

    it('maxSize null means no limit', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1 });
      await addQueue(s, { maxSize: null });
      await addMany(
        s,
        Array.from({ length: 50 }, () => ({})),
      );
      expect(await listAll(s)).toHaveLength(50);
    });

    it('an idempotency key returns the stored job and inserts nothing', async () => {
      const s = storage();
      await addQueue(s);
      const first = await add(s, { idempotencyKey: 'k', payload: { v: 1 } });
      const again = newJob({ idempotencyKey: 'k', payload: { v: 2 } });
      const result = await s.enqueue({ queue: QUEUE, jobs: [again], now: T0 + 10 });
      expect(result.inserted).toEqual([false]);
      expect(result.jobs).toEqual([first]);
      expect(await listAll(s)).toEqual([first]);
      expect(await s.getJob({ queue: QUEUE, id: again.id })).toBeNull();
    });

    it('a batch mixing new jobs and a known key inserts only the new ones, in order', async () => {
      const s = storage();
      await addQueue(s);
      const known = await add(s, { idempotencyKey: 'known' });
      const batch = [newJob(), newJob({ idempotencyKey: 'known' }), newJob({ idempotencyKey: 'new' })];
      const result = await s.enqueue({ queue: QUEUE, jobs: batch, now: T0 + 1 });
      expect(result.inserted).toEqual([true, false, true]);
      expect(ids(result.jobs)).toEqual([nth(batch, 0).id, known.id, nth(batch, 2).id]);
      expect(nth(result.jobs, 1)).toEqual(known);
      expect(ids(await listAll(s))).toEqual([known.id, nth(batch, 0).id, nth(batch, 2).id]);
    });

    // Postgres deadlocked here (each batch waiting for a key the other had inserted), failing one add.
    it('batches holding the same keys in opposite orders, added at once, both answer with one job per key', async () => {
      const s = storage();
      await addQueue(s);
      for (let round = 0; round < 20; round++) {
        const keys = Array.from({ length: 30 }, (_, k) => `r${round}-k${k}`);
        const forward = keys.map((idempotencyKey) => newJob({ idempotencyKey }));
        const backward = [...keys].reverse().map((idempotencyKey) => newJob({ idempotencyKey }));
        const [a, b] = await Promise.all([
          s.enqueue({ queue: QUEUE, jobs: forward, now: T0 + round }),
          s.enqueue({ queue: QUEUE, jobs: backward, now: T0 + round }),
        ]);
        const byKey = (jobs: readonly { id: string; idempotencyKey: string | null }[]) => Object.fromEntries(jobs.map((j) => [j.idempotencyKey, j.id]));
        expect(byKey(a.jobs)).toEqual(byKey(b.jobs));
        expect(a.inserted.filter(Boolean).length + b.inserted.filter(Boolean).length).toBe(keys.length);
      }
      expect((await listAll(s)).length).toBe(20 * 30);
    });

    it('a known idempotency key is not refused by a full queue: nothing would be added', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1 });
      const first = await add(s, { idempotencyKey: 'k' });
      const result = await s.enqueue({ queue: QUEUE, jobs: [newJob({ idempotencyKey: 'k' })], now: T0 + 1 });
      expect(result.inserted).toEqual([false]);
      expect(result.jobs).toEqual([first]);
      expect(await listAll(s)).toEqual([first]);
    });
  });
}
