/**
 * Global concurrency inside one process: claims and settle-with-claim never hold more than the
 * queue's `concurrency` running jobs, freed slots are counted at once, and null means no limit.
 * The multi-process half is in `concurrency-processes.ts`.
 * @internal
 */
import type { JobRecord, Storage } from '@waitline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMany, addQueue, claim, claimOne, listAll, nth, QUEUE, settleFail, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

async function runningCount(s: Storage): Promise<number> {
  return (await listAll(s, QUEUE, ['running'])).length;
}

/** Registers the in-process concurrency area: the global limit under claims and settles. */
export function describeConcurrency(harness: StorageHarness): void {
  describe('concurrency', () => {
    const storage = useStorage(harness);

    it('claims never hold more than concurrency running jobs', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 2 });
      await addMany(
        s,
        Array.from({ length: 6 }, () => ({})),
      );
      const first = await claim(s, { limit: 5, now: T0 + 1 });
      expect(first).toHaveLength(2);
      expect(await claim(s, { limit: 5, now: T0 + 2, workerId: 'other' })).toEqual([]);
      expect(await runningCount(s)).toBe(2);
      await settleOk(s, nth(first, 0), T0 + 3);
      expect(await claim(s, { limit: 5, now: T0 + 4 })).toHaveLength(1);
      expect(await runningCount(s)).toBe(2);
    });

    it('settle-with-claim counts the slots its settles freed, and no more', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 3 });
      await addMany(
        s,
        Array.from({ length: 10 }, () => ({})),
      );
      const held = await claim(s, { limit: 3, now: T0 + 1 });
      expect(held).toHaveLength(3);
      const one = await s.settle({
        queue: QUEUE,
        now: T0 + 2,
        completed: [{ id: nth(held, 0).id, leaseToken: nth(held, 0).leaseToken ?? '', result: null }],
        claim: { workerId: 'w', limit: 5, leaseMs: 1_000 },
      });
      expect(one.settled).toHaveLength(1);
      expect(one.claimed).toHaveLength(1);
      const two = await s.settle({
        queue: QUEUE,
        now: T0 + 3,
        completed: [{ id: nth(held, 1).id, leaseToken: nth(held, 1).leaseToken ?? '', result: null }],
        failed: [{ id: nth(held, 2).id, leaseToken: nth(held, 2).leaseToken ?? '', retryAt: null, error: { name: 'E', message: 'x', attempt: 1, at: T0 + 3 } }],
        claim: { workerId: 'w', limit: 5, leaseMs: 1_000 },
      });
      expect(two.settled).toHaveLength(2);
      expect(two.claimed).toHaveLength(2);
      expect(await runningCount(s)).toBe(3);
      const none = await s.settle({ queue: QUEUE, now: T0 + 4, claim: { workerId: 'w', limit: 5, leaseMs: 1_000 } });
      expect(none).toEqual({ settled: [], lost: [], claimed: [] });
    });

    it('lowering concurrency below the running count stops claims until enough finish', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 3 });
      await addMany(
        s,
        Array.from({ length: 6 }, () => ({})),
      );
      const held = await claim(s, { limit: 3 });
      await addQueue(s, { concurrency: 1 }, T0 + 1);
      expect(await claim(s, { limit: 3, now: T0 + 2 })).toEqual([]);
      await settleOk(s, nth(held, 0), T0 + 3);
      await settleOk(s, nth(held, 1), T0 + 3);
      expect(await claim(s, { limit: 3, now: T0 + 4 })).toEqual([]);
      await settleOk(s, nth(held, 2), T0 + 5);
      expect(await claim(s, { limit: 3, now: T0 + 6 })).toHaveLength(1);
    });

    it('concurrency null means no limit', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 1 });
      await addQueue(s, { concurrency: null });
      await addMany(
        s,
        Array.from({ length: 25 }, () => ({})),
      );
      expect(await claim(s, { limit: 25 })).toHaveLength(25);
      expect(await runningCount(s)).toBe(25);
    });

    it('a retried job waiting out its backoff does not hold a slot', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 1 });
      await addMany(s, [{}, {}]);
      const first = await claimOne(s);
      await settleFail(s, first, T0 + 1, T0 + 10_000);
      const second = await claimOne(s, { now: T0 + 2 });
      expect(second.id).not.toBe(first.id);
    });

    it('claims exactly min(limit, free slots, ready jobs) in any sequence of claims and settles (randomised)', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('settleClaim' as const), pick: fc.nat(), limit: fc.integer({ min: 1, max: 4 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(op, { minLength: 1, maxLength: 15 }), async (limit, ops) => {
          const s = await harness.create();
          try {
            await checkConcurrencyModel(s, limit, ops);
          } finally {
            await s.close();
          }
        }),
        { numRuns: 20 },
      );
    }, 60_000);
  });
}

type Op = { kind: 'claim'; limit: number } | { kind: 'complete' | 'fail'; pick: number } | { kind: 'settleClaim'; pick: number; limit: number };

/** Replays `ops` against the storage and a model (running set, ready count), comparing each claim. */
async function checkConcurrencyModel(s: Storage, concurrency: number, ops: Op[]): Promise<void> {
  await addQueue(s, { concurrency });
  let ready = (
    await addMany(
      s,
      Array.from({ length: 8 }, () => ({})),
    )
  ).length;
  const running: JobRecord[] = [];
  let now = T0;
  const expectedClaims = (limit: number) => Math.min(limit, concurrency - running.length, ready);
  for (const o of ops) {
    now += 1;
    if (o.kind === 'claim') {
      const got = await claim(s, { limit: o.limit, now });
      expect(got).toHaveLength(expectedClaims(o.limit));
      running.push(...got);
      ready -= got.length;
    } else if (running.length > 0) {
      const [job] = running.splice(o.pick % running.length, 1) as [JobRecord];
      const lease = { id: job.id, leaseToken: job.leaseToken ?? '' };
      const settleClaim = o.kind === 'settleClaim' ? { workerId: 'w', limit: o.limit, leaseMs: 60_000 } : undefined;
      const r = await s.settle({
        queue: QUEUE,
        now,
        completed: o.kind === 'fail' ? [] : [{ ...lease, result: null }],
        failed: o.kind === 'fail' ? [{ ...lease, retryAt: null, error: { name: 'E', message: 'x', attempt: 1, at: now } }] : [],
        claim: settleClaim,
      });
      expect(r.lost).toEqual([]);
      expect(r.settled).toHaveLength(1);
      expect(r.claimed).toHaveLength(o.kind === 'settleClaim' ? expectedClaims(o.limit) : 0);
      running.push(...r.claimed);
      ready -= r.claimed.length;
    }
    expect((await listAll(s, QUEUE, ['running'])).length).toBe(running.length);
    expect(running.length).toBeLessThanOrEqual(concurrency);
  }
}
