/**
 * Claim and the ordering rule: priority descending, then `runAt`, then `seq`; delayed jobs wait;
 * a retried job re-enters at the back of its level; a claim leases; a paused queue hands out
 * nothing; and the order positions report is the order claims return.
 * @internal
 */
import type { Storage } from '@waitline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, addMany, addQueue, claim, claimEach, claimOne, ids, newJob, nth, QUEUE, reread, settleFail, sortByOrder, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** Registers the claim area: the ordering rule, delays, retries at the back, leasing, pause. */
export function describeClaimOrdering(harness: StorageHarness): void {
  describe('claim and ordering', () => {
    const storage = useStorage(harness);

    it('leases the job: running, attempt + 1, a token, lease expiry, worker and start time', async () => {
      const s = storage();
      await addQueue(s);
      const queued = await add(s, { payload: { keep: 'me' }, priority: 3 });
      const claimed = await claimOne(s, { workerId: 'w-7', leaseMs: 12_345, now: T0 + 10 });
      expect(claimed).toEqual({
        ...queued,
        state: 'running',
        attempt: 1,
        leaseToken: expect.any(String),
        leaseExpiresAt: T0 + 10 + 12_345,
        workerId: 'w-7',
        startedAt: T0 + 10,
      });
      expect(claimed.leaseToken).not.toBe('');
      expect(await reread(s, queued)).toEqual(claimed);
    });

    it('gives every job of one claim its own lease token', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}]);
      const claimed = await claim(s, { limit: 3 });
      expect(claimed).toHaveLength(3);
      expect(new Set(claimed.map((j) => j.leaseToken)).size).toBe(3);
    });

    it('runs higher priority first, whatever the age', async () => {
      const s = storage();
      await addQueue(s);
      const low = await add(s, { priority: 1 }, { now: T0 });
      const normal = await add(s, { priority: 2 }, { now: T0 + 1 });
      const urgent = await add(s, { priority: 4 }, { now: T0 + 2 });
      const high = await add(s, { priority: 3 }, { now: T0 + 3 });
      const order = await claimEach(s, { now: T0 + 10 });
      expect(ids(order)).toEqual(ids([urgent, high, normal, low]));
    });

    it('runs jobs of one priority first in, first out, across and inside batches', async () => {
      const s = storage();
      await addQueue(s);
      const batch = await addMany(s, [{}, {}, {}]);
      const single = await add(s);
      const second = await addMany(s, [{}, {}]);
      const order = await claimEach(s, { now: T0 });
      expect(ids(order)).toEqual(ids([...batch, single, ...second]));
    });

    it('orders by runAt before insertion within one priority', async () => {
      const s = storage();
      await addQueue(s);
      const laterRun = await add(s, { runAt: T0 + 100 });
      const earlierRun = await add(s, { runAt: T0 + 50 });
      const order = await claimEach(s, { now: T0 + 200 });
      expect(ids(order)).toEqual(ids([earlierRun, laterRun]));
    });

    it('does not claim a delayed job before its runAt, and claims it once due', async () => {
      const s = storage();
      await addQueue(s);
      const delayed = await add(s, { runAt: T0 + 1_000 });
      expect(await claim(s, { now: T0 })).toEqual([]);
      expect(await claim(s, { now: T0 + 999 })).toEqual([]);
      expect(await reread(s, delayed)).toEqual(delayed);
      const claimed = await claimOne(s, { now: T0 + 1_000 });
      expect(claimed.id).toBe(delayed.id);
      expect(claimed.startedAt).toBe(T0 + 1_000);
    });

    it('claims at most limit jobs, the first ones by the ordering rule', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addMany(s, [{ priority: 1 }, { priority: 3 }, {}, { priority: 3 }, {}]);
      const expected = sortByOrder(jobs);
      const first = await claim(s, { limit: 3, now: T0 + 1 });
      expect(new Set(ids(first))).toEqual(new Set(ids(expected.slice(0, 3))));
      const rest = await claim(s, { limit: 10, now: T0 + 1 });
      expect(new Set(ids(rest))).toEqual(new Set(ids(expected.slice(3))));
      expect(await claim(s, { limit: 10, now: T0 + 1 })).toEqual([]);
    });

    it('claims only from its own queue', async () => {
      const s = storage();
      await addQueue(s, { name: 'a' });
      await addQueue(s, { name: 'b' });
      const other = await add(s, { priority: 4 }, { queue: 'b' });
      const mine = await add(s, { priority: 1 }, { queue: 'a' });
      expect(ids(await claim(s, { queue: 'a', limit: 5 }))).toEqual([mine.id]);
      expect(await reread(s, other)).toEqual(other);
    });

    it('a job failed with a retryAt re-enters at the back of its priority level', async () => {
      const s = storage();
      await addQueue(s);
      const [a, b, c] = await addMany(s, [{}, {}, {}]);
      const urgent = await add(s, { priority: 4 }, { now: T0 + 50 });
      const running = await claimOne(s, { now: T0 + 10 });
      expect(running.id).toBe(a?.id);
      const error = { name: 'Error', message: 'try again', attempt: 1, at: T0 + 20 };
      const retried = await settleFail(s, running, T0 + 20, T0 + 30, error);
      expect(retried).toMatchObject({ id: a?.id, state: 'queued', runAt: T0 + 30, attempt: 1, error, finishedAt: null });
      expect(retried.leaseToken).toBeNull();
      expect(retried.leaseExpiresAt).toBeNull();
      // Added after the retry was scheduled but ready before it: runs first.
      const d = await add(s, {}, { now: T0 + 25 });
      const order = await claimEach(s, { now: T0 + 100 });
      expect(ids(order)).toEqual([urgent.id, b?.id, c?.id, d.id, a?.id]);
      expect(nth(order, 4).attempt).toBe(2);
    });

    it('a paused queue hands out nothing, by claim or by settle', async () => {
      const s = storage();
      await addQueue(s);
      await addMany(s, [{}, {}, {}]);
      const running = await claimOne(s);
      await addQueue(s, { paused: true }, T0 + 1);
      const before = await reread(s, running);
      expect(await claim(s, { limit: 5, now: T0 + 2 })).toEqual([]);
      const settled = await s.settle({
        queue: QUEUE,
        now: T0 + 3,
        completed: [{ id: running.id, leaseToken: before.leaseToken ?? '', result: 1 }],
        claim: { workerId: 'w', limit: 5, leaseMs: 1_000 },
      });
      expect(ids(settled.settled)).toEqual([running.id]);
      expect(settled.claimed).toEqual([]);
      await addQueue(s, { paused: false }, T0 + 4);
      expect(await claim(s, { limit: 5, now: T0 + 5 })).toHaveLength(2);
    });

    it('the order getPosition reports is the order claims return, and sortByOrder agrees (randomised)', async () => {
      const jobSpec = fc.record({
        priority: fc.integer({ min: 1, max: 4 }),
        delay: fc.constantFrom(0, 0, 0, 5, 10, 50, 500),
        joinPrevious: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(jobSpec, { minLength: 1, maxLength: 10 }), async (specs) => {
          const s = await harness.create();
          try {
            await checkClaimOrderMatchesPositions(s, specs);
          } finally {
            await s.close();
          }
        }),
        { numRuns: 30 },
      );
    }, 60_000);
  });
}

/** Enqueues `specs` (consecutive `joinPrevious` specs share a batch), then compares the three orders. */
async function checkClaimOrderMatchesPositions(s: Storage, specs: Array<{ priority: number; delay: number; joinPrevious: boolean }>): Promise<void> {
  await addQueue(s);
  const batches: Array<Array<ReturnType<typeof newJob>>> = [];
  for (const spec of specs) {
    const job = newJob({ priority: spec.priority, runAt: T0 + spec.delay });
    const last = batches[batches.length - 1];
    if (spec.joinPrevious && last) last.push(job);
    else batches.push([job]);
  }
  const stored = [];
  for (const [i, batch] of batches.entries()) {
    stored.push(...(await s.enqueue({ queue: QUEUE, jobs: batch, now: T0 - 100 + i })).jobs);
  }
  const now = T0 + 100;
  const ready = sortByOrder(stored.filter((j) => j.runAt <= now));
  const positions = await Promise.all(stored.map((j) => s.getPosition({ queue: j.queue, id: j.id, now })));
  for (const [i, job] of stored.entries()) {
    const expected = job.runAt <= now ? ready.findIndex((r) => r.id === job.id) + 1 : null;
    expect(positions[i]).toBe(expected);
  }
  const claimed = await claimEach(s, { now });
  expect(ids(claimed)).toEqual(ids(ready));
}
