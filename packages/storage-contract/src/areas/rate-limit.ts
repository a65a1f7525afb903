/**
 * Contract area: per-queue rate limits. No half-open window of `intervalMs` holds more than `max`
 * starts (claims, settle-and-claims and retries alike), across handles claiming at once; held jobs
 * stay queued in their place; a claim held back reports when the next start may happen; removing
 * the limit releases at once; bad limits are typed errors with nothing written.
 * @internal
 */
import { Queue, type JobRecord, type Storage, ValidationError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { runChildren } from '../children/fork.js';
import { addMany, addQueue, claim, ids, LEASE_MS, listAll, nth, QUEUE, settleFail, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { sleep, until, useLive } from '../live.js';

/** The most starts any half-open window `[t, t + intervalMs)` holds, over windows opening at a start. */
export function busiestWindow(starts: readonly number[], intervalMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + intervalMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

async function positions(s: Storage, jobs: readonly JobRecord[], now: number): Promise<Array<number | null>> {
  return Promise.all(jobs.map((j) => s.getPosition({ queue: QUEUE, id: j.id, now })));
}

/** Registers the seam half of the rate-limit area. */
function describeRateLimitSeam(harness: StorageHarness): void {
  describe('rate limit', () => {
    const storage = useStorage(harness);

    it('stores the limit, changes it and removes it with null', async () => {
      const s = storage();
      expect(await addQueue(s)).not.toHaveProperty('rateLimit');
      expect((await addQueue(s, { rateLimit: { max: 3, intervalMs: 1_000 } })).rateLimit).toEqual({ max: 3, intervalMs: 1_000 });
      expect((await addQueue(s, { concurrency: 4 })).rateLimit).toEqual({ max: 3, intervalMs: 1_000 });
      expect((await s.getQueue(QUEUE))?.rateLimit).toEqual({ max: 3, intervalMs: 1_000 });
      expect(await addQueue(s, { rateLimit: null })).not.toHaveProperty('rateLimit');
    });

    it('max starts, then nothing until the oldest start leaves the window (a sliding window, not buckets)', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 3, intervalMs: 1_000 } });
      await addMany(
        s,
        Array.from({ length: 10 }, () => ({})),
      );
      expect(await claim(s, { limit: 2, now: T0 + 100 })).toHaveLength(2);
      expect(await claim(s, { limit: 5, now: T0 + 900 })).toHaveLength(1);
      expect(await claim(s, { limit: 5, now: T0 + 1_099 })).toEqual([]);
      // The two starts at T0 + 100 leave the window at T0 + 1_100; the one at T0 + 900 is still in it.
      expect(await claim(s, { limit: 5, now: T0 + 1_100 })).toHaveLength(2);
      expect(await claim(s, { limit: 5, now: T0 + 1_899 })).toEqual([]);
      expect(await claim(s, { limit: 5, now: T0 + 1_900 })).toHaveLength(1);
    });

    it('settle-and-claim counts against the limit and reports when the next start may happen', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 2, intervalMs: 500 } });
      await addMany(
        s,
        Array.from({ length: 6 }, () => ({})),
      );
      const first = await claim(s, { limit: 1, now: T0 + 10 });
      const step = await s.settle({
        queue: QUEUE,
        now: T0 + 20,
        completed: [{ id: nth(first, 0).id, leaseToken: nth(first, 0).leaseToken ?? '', result: null }],
        claim: { workerId: 'w', limit: 4, leaseMs: LEASE_MS },
      });
      expect(step.settled).toHaveLength(1);
      expect(step.claimed).toHaveLength(1);
      expect(step.nextStartAt).toBe(T0 + 510);
      const held = await s.settle({ queue: QUEUE, now: T0 + 300, claim: { workerId: 'w', limit: 4, leaseMs: LEASE_MS } });
      expect(held.claimed).toEqual([]);
      expect(held.nextStartAt).toBe(T0 + 510);
      const free = await s.settle({ queue: QUEUE, now: T0 + 510, claim: { workerId: 'w', limit: 1, leaseMs: LEASE_MS } });
      expect(free.claimed).toHaveLength(1);
      expect(free.nextStartAt).toBeUndefined();
    });

    it('a retry is a start: a failed attempt back in the queue waits for a token like any job', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 1, intervalMs: 1_000 } });
      const [job] = await addMany(s, [{ maxAttempts: 3 }]);
      const first = await claim(s, { limit: 1, now: T0 + 1 });
      expect(ids(first)).toEqual([job?.id]);
      await settleFail(s, nth(first, 0), T0 + 2, T0 + 3);
      expect(await claim(s, { limit: 1, now: T0 + 500 })).toEqual([]);
      const again = await claim(s, { limit: 1, now: T0 + 1_001 });
      expect(ids(again)).toEqual([job?.id]);
      expect(nth(again, 0).attempt).toBe(2);
    });

    it('held jobs stay queued in their place, and are claimed in that order when tokens free', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 2, intervalMs: 1_000 } });
      const jobs = await addMany(
        s,
        Array.from({ length: 6 }, (_, i) => ({ priority: i % 2 === 0 ? 2 : 3 })),
      );
      const before = await positions(s, jobs, T0 + 1);
      const first = await claim(s, { limit: 6, now: T0 + 1 });
      expect(first).toHaveLength(2);
      const rest = jobs.filter((j) => !ids(first).includes(j.id));
      const held = await positions(s, rest, T0 + 2);
      expect(await claim(s, { limit: 6, now: T0 + 2 })).toEqual([]);
      expect(await positions(s, rest, T0 + 3)).toEqual(held);
      // Positions before the claim ranked every job; the held ones keep that order, two places up.
      expect(held).toEqual(rest.map((j) => (before[jobs.indexOf(j)] as number) - 2));
      const order: string[] = [];
      for (let k = 1; k <= 2; k++) order.push(...ids(await claim(s, { limit: 6, now: T0 + 1 + k * 1_000 })));
      const byPosition = [...rest].sort((a, b) => (held[rest.indexOf(a)] as number) - (held[rest.indexOf(b)] as number));
      expect(order).toEqual(ids(byPosition));
    });

    it('removing the limit releases the held jobs at once', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 1, intervalMs: 60_000 } });
      await addMany(
        s,
        Array.from({ length: 4 }, () => ({})),
      );
      expect(await claim(s, { limit: 4, now: T0 + 1 })).toHaveLength(1);
      expect(await claim(s, { limit: 4, now: T0 + 2 })).toEqual([]);
      await addQueue(s, { rateLimit: null }, T0 + 3);
      expect(await claim(s, { limit: 4, now: T0 + 4 })).toHaveLength(3);
    });

    it('removing the limit forgets its starts: a limit set again counts only starts made after it', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 2, intervalMs: 60_000 } });
      await addMany(
        s,
        Array.from({ length: 8 }, () => ({})),
      );
      expect(await claim(s, { limit: 4, now: T0 + 1 })).toHaveLength(2);
      await addQueue(s, { rateLimit: null }, T0 + 2);
      // Unlimited meanwhile: these starts are not logged either.
      expect(await claim(s, { limit: 1, now: T0 + 3 })).toHaveLength(1);
      await addQueue(s, { rateLimit: { max: 2, intervalMs: 60_000 } }, T0 + 4);
      // Kept, the log would hold the two starts of T0 + 1, inside this window: no token left.
      expect(await claim(s, { limit: 4, now: T0 + 5 })).toHaveLength(2);
      expect(await claim(s, { limit: 4, now: T0 + 6 })).toEqual([]);
    });

    it('replacing a limit keeps its starts: the new limit counts those inside its window', async () => {
      const s = storage();
      await addQueue(s, { rateLimit: { max: 3, intervalMs: 60_000 } });
      await addMany(
        s,
        Array.from({ length: 8 }, () => ({})),
      );
      expect(await claim(s, { limit: 2, now: T0 + 1 })).toHaveLength(2);
      await addQueue(s, { rateLimit: { max: 3, intervalMs: 60_000 } }, T0 + 2);
      expect(await claim(s, { limit: 4, now: T0 + 3 })).toHaveLength(1);
      await addQueue(s, { rateLimit: { max: 4, intervalMs: 60_000 } }, T0 + 4);
      expect(await claim(s, { limit: 4, now: T0 + 5 })).toHaveLength(1);
      // A shorter interval no longer counts the starts outside it.
      await addQueue(s, { rateLimit: { max: 4, intervalMs: 1_000 } }, T0 + 6);
      expect(await claim(s, { limit: 4, now: T0 + 1_004 })).toHaveLength(3);
    });

    it('composes with global concurrency: the smaller of free slots and tokens', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 2, rateLimit: { max: 3, intervalMs: 1_000 } });
      await addMany(
        s,
        Array.from({ length: 6 }, () => ({})),
      );
      const two = await claim(s, { limit: 5, now: T0 + 1 });
      expect(two).toHaveLength(2);
      await settleOk(s, nth(two, 0), T0 + 2);
      await settleOk(s, nth(two, 1), T0 + 2);
      expect(await claim(s, { limit: 5, now: T0 + 3 })).toHaveLength(1);
    });

    it('a bad limit is a ValidationError at its path, and nothing is written', async () => {
      const s = storage();
      const bad = [{ max: 0, intervalMs: 1_000 }, { max: 1.5, intervalMs: 1_000 }, { max: 2, intervalMs: -1 }, { max: 2 }];
      const paths = [
        ['options', 'rateLimit', 'max'],
        ['options', 'rateLimit', 'max'],
        ['options', 'rateLimit', 'intervalMs'],
        ['options', 'rateLimit', 'intervalMs'],
      ];
      bad.forEach((rateLimit, i) => {
        let err: unknown;
        try {
          new Queue(s, 'rl-bad', { rateLimit: rateLimit as never });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).issues.map((issue) => issue.path)).toContainEqual(paths[i]);
      });
      expect(await s.getQueue('rl-bad')).toBeNull();
      const q = new Queue(s, 'rl-set', { rateLimit: { max: 2, intervalMs: 100 } });
      await q.ready();
      await expect(q.setRateLimit({ max: -1, intervalMs: 100 })).rejects.toBeInstanceOf(ValidationError);
      expect((await s.getQueue('rl-set'))?.rateLimit).toEqual({ max: 2, intervalMs: 100 });
    });
  });
}

/** Registers the racing half: several handles on one database claim at the same instant. */
function describeRateLimitRace(harness: StorageHarness): void {
  describe('rate limit across handles', () => {
    requireCapability(harness, 'reopenable');
    const storage = useStorage(harness);

    it('handles claiming at once never pass the limit together', async () => {
      const s = storage();
      const others = await Promise.all([1, 2, 3].map(() => harness.open(s.describe())));
      try {
        await addQueue(s, { rateLimit: { max: 5, intervalMs: 1_000 } });
        await addMany(
          s,
          Array.from({ length: 40 }, () => ({})),
        );
        const handles = [s, ...others];
        const starts: number[] = [];
        for (const now of [T0 + 1, T0 + 400, T0 + 1_000, T0 + 1_001, T0 + 1_500, T0 + 2_400]) {
          const got = await Promise.all(handles.map((h, i) => claim(h, { limit: 3, now, workerId: `w${i}` })));
          for (const jobs of got) starts.push(...jobs.map((j) => j.startedAt as number));
        }
        expect(busiestWindow(starts, 1_000)).toBeLessThanOrEqual(5);
        expect(starts).toHaveLength(15);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it('processes claiming at once take exactly max starts of one window between them', async () => {
      const admin = await harness.open(await harness.freshDescriptor(), { migrate: true });
      try {
        await addQueue(admin, { rateLimit: { max: 7, intervalMs: 60_000 } });
        await addMany(
          admin,
          Array.from({ length: 30 }, () => ({})),
        );
        // now never moves, so the window never frees: each child claims until its deadline.
        const inputs = ['child-a', 'child-b', 'child-c'].map((workerId) => ({
          descriptor: admin.describe(),
          queue: QUEUE,
          workerId,
          now: T0 + 1,
          leaseMs: 600_000,
          holdMs: 1,
          deadlineMs: 1_500,
        }));
        const reports = await runChildren<{ claimed: string[] }>('claim-loop.mjs', inputs, 25_000);
        const claimed = reports.flatMap((r) => r.claimed);
        expect(claimed).toHaveLength(7);
        expect(new Set(claimed).size).toBe(7);
        expect(await listAll(admin, QUEUE, ['queued'])).toHaveLength(23);
      } finally {
        await admin.close();
      }
    }, 30_000);
  });
}

/** Registers the worker half: several workers on one rate-limited queue, in real time. */
function describeRateLimitWorkers(harness: StorageHarness): void {
  describe(`${harness.name}: rate-limited workers`, () => {
    const live = useLive(harness);

    it('workers together never start more than max jobs in any window, and wake for the next token without polling', async () => {
      const limit = { max: 3, intervalMs: 300 };
      const q = live.queue<{ n: number }, number>('rate-workers', { rateLimit: limit });
      await q.addBulk(Array.from({ length: 12 }, (_, n) => ({ payload: { n } })));
      // A poll slower than the whole test: only the claim's report of the next token can wake them.
      for (let w = 0; w < 3; w++) live.worker(q, async (job) => job.payload.n, { concurrency: 2, prefetch: 4, pollIntervalMs: 60_000 });
      await q.whenIdle({ timeoutMs: 20_000 });
      const done = (await q.listJobs({ states: ['completed'], limit: 20, order: 'asc' })).items;
      expect(done).toHaveLength(12);
      expect(
        busiestWindow(
          done.map((j) => j.startedAt as number),
          limit.intervalMs,
        ),
      ).toBeLessThanOrEqual(limit.max);
    });

    it('setRateLimit(null) on a live queue lets held jobs go at once', async () => {
      const q = live.queue<{ n: number }, number>('rate-lift', { rateLimit: { max: 1, intervalMs: 600_000 } });
      await q.addBulk(Array.from({ length: 4 }, (_, n) => ({ payload: { n } })));
      const ran: number[] = [];
      live.worker(q, async (job) => ran.push(job.payload.n), { concurrency: 4 });
      // The first start may take a while on a loaded machine; the limit must then hold the rest.
      await until(() => ran.length > 0, 'the first job to start', 10_000);
      await sleep(300);
      expect(ran).toHaveLength(1);
      await q.setRateLimit(null);
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(ran).toHaveLength(4);
    });
  });
}

/** Registers the rate-limit area: the seam rules, then workers on a limited queue. */
export function describeRateLimit(harness: StorageHarness): void {
  describeRateLimitSeam(harness);
  describeRateLimitRace(harness);
  describeRateLimitWorkers(harness);
}
