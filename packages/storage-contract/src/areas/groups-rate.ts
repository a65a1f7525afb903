/**
 * Group rate limits (issue 14, `docs/design/groups.md`, increment 5): the queue's
 * `groupRateLimit` bounds each named group's starts per sliding window. A group without a token
 * is skipped and keeps its turn; a claim left short by it reports the group's next token; every
 * start counts against the queue's `rateLimit` too, and global concurrency bounds all groups.
 * Ungrouped jobs are bound by the queue's limits only.
 * @internal
 */
import type { SettleResult, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addQueue, LEASE_MS, listAll, nth, QUEUE, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';
import { addBatches, groupJobs, labels } from './groups.js';
import { busiestWindow } from './rate-limit.js';
import { mostRunningWithPrefetch } from './worker-prefetch.js';

const READ = { sampleLimit: 10, aheadListLimit: 200, aheadWorkLimit: 1_000, dueAheadLimit: 100, workerStaleMs: 60_000 };

/** A claim of up to `limit` jobs at `now`, through `settle`, which reports `nextStartAt`. */
function claimStep(s: Storage, limit: number, now: number): Promise<SettleResult> {
  return s.settle({ queue: QUEUE, now, claim: { workerId: 'w', limit, leaseMs: LEASE_MS } });
}

/** Claims one job at a time at `now`, `times` times; the labels claimed ('-' for an empty claim). */
async function claimLabels(s: Storage, times: number, now: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) out.push((await claimStep(s, 1, now)).claimed[0]?.name ?? '-');
  return out;
}

/** Completes every running job at `now`. */
async function settleRunning(s: Storage, now: number): Promise<void> {
  for (const job of await listAll(s, QUEUE, ['running'])) await settleOk(s, job, now);
}

/** Registers workers on a queue with a group rate limit, in real time. */
function describeGroupRateWorkers(harness: StorageHarness): void {
  describe(`${harness.name}: workers under a groupRateLimit`, () => {
    requireCapability(harness, 'groups');
    const live = useLive(harness);

    it('never start more than max jobs of one group in any window, run other groups meanwhile, and wake for the next token without polling', async () => {
      const limit = { max: 2, intervalMs: 300 };
      const q = live.queue<{ n: number }, number>('group-rate-workers', { groupRateLimit: limit });
      await q.addBulk(Array.from({ length: 6 }, (_, n) => ({ payload: { n }, options: { group: 'busy' } })));
      await q.addBulk(Array.from({ length: 4 }, (_, n) => ({ payload: { n: 100 + n } })));
      // A poll slower than the whole test: only the claim's report of the next token can wake them.
      for (let w = 0; w < 2; w++) live.worker(q, async (job) => job.payload.n, { concurrency: 2, pollIntervalMs: 60_000 });
      await q.whenIdle({ timeoutMs: 20_000 });
      const done = (await q.listJobs({ states: ['completed'], limit: 20, order: 'asc' })).items;
      expect(done).toHaveLength(10);
      const busy = done.filter((j) => j.group === 'busy').map((j) => j.startedAt as number);
      expect(busiestWindow(busy, limit.intervalMs)).toBeLessThanOrEqual(limit.max);
      // The ungrouped jobs did not wait for the busy group's tokens.
      const ungrouped = done.filter((j) => j.group === null).map((j) => j.startedAt as number);
      expect(Math.max(...ungrouped)).toBeLessThan(Math.max(...busy));
    });

    it('holds nothing ahead (prefetch): a held job would start later than the start its group logged', async () => {
      const q = live.queue<{ n: number }, number>('group-rate-prefetch', { groupRateLimit: { max: 100, intervalMs: 1_000 } });
      await q.addBulk(Array.from({ length: 4 }, (_, n) => ({ payload: { n }, options: { group: 'g' } })));
      expect(await mostRunningWithPrefetch(live, q)).toBe(1);
    });
  });
}

/** Registers the per-group rate limit: the seam rules, then workers. */
export function describeGroupRate(harness: StorageHarness): void {
  describeGroupRateSeam(harness);
  describeGroupRateWorkers(harness);
}

/** Registers the seam half of the per-group rate limit. */
function describeGroupRateSeam(harness: StorageHarness): void {
  describe('groups: groupRateLimit', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it('is stored, read back, kept by other writes and removed by null', async () => {
      const s = storage();
      expect(await addQueue(s)).not.toHaveProperty('groupRateLimit');
      const limit = { max: 2, intervalMs: 1_000 };
      expect((await addQueue(s, { groupRateLimit: limit })).groupRateLimit).toEqual(limit);
      expect((await addQueue(s, { groupConcurrency: 3, rateLimit: { max: 5, intervalMs: 10 } })).groupRateLimit).toEqual(limit);
      expect((await s.getQueue(QUEUE))?.groupRateLimit).toEqual(limit);
      expect((await s.listQueues()).map((q) => q.groupRateLimit)).toEqual([limit]);
      expect(await addQueue(s, { groupRateLimit: null })).not.toHaveProperty('groupRateLimit');
    });

    it('a group without a token is skipped and keeps its turn while the others start', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 1, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 3)]);
      expect(await claimLabels(s, 1, T0)).toEqual(['a0']);
      await addBatches(s, [groupJobs('B', 'b', 3), groupJobs('C', 'c', 3)]);
      expect(await claimLabels(s, 3, T0 + 500)).toEqual(['b0', 'c0', '-']);
      // A's start at T0 leaves the window at T0 + 1_000; A kept the front of the rotation.
      expect(await claimLabels(s, 1, T0 + 999)).toEqual(['-']);
      expect(await claimLabels(s, 2, T0 + 1_000)).toEqual(['a1', '-']);
      expect(await claimLabels(s, 3, T0 + 1_500)).toEqual(['b1', 'c1', '-']);
    });

    it('a claim left short by it reports the group next token as nextStartAt', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 2, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 5), groupJobs('B', 'b', 2)]);
      const first = await claimStep(s, 10, T0 + 10);
      expect(labels(first.claimed)).toEqual(['a0', 'b0', 'a1', 'b1']);
      expect(first.nextStartAt).toBe(T0 + 1_010);
      const held = await claimStep(s, 10, T0 + 500);
      expect([held.claimed, held.nextStartAt]).toEqual([[], T0 + 1_010]);
      // A claim that got all it asked for reports nothing.
      const full = await claimStep(s, 2, T0 + 1_010);
      expect([labels(full.claimed), full.nextStartAt]).toEqual([['a2', 'a3'], undefined]);
    });

    it('binds named groups only: ungrouped jobs start on the queue limits', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 1, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 3), groupJobs(null, 'u', 3)]);
      expect(labels((await claimStep(s, 10, T0)).claimed)).toEqual(['a0', 'u0', 'u1', 'u2']);
    });

    it('queue and group limits both count a start; global concurrency bounds every group', async () => {
      const s = storage();
      await addQueue(s, { concurrency: 3, rateLimit: { max: 4, intervalMs: 1_000 }, groupRateLimit: { max: 2, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 4), groupJobs('B', 'b', 4)]);
      const slots = await claimStep(s, 10, T0);
      expect([labels(slots.claimed), slots.nextStartAt]).toEqual([['a0', 'b0', 'a1'], undefined]);
      await settleRunning(s, T0 + 1);
      // Three starts of the queue's four: one token left, which B (one token of its own) takes.
      const last = await claimStep(s, 10, T0 + 2);
      expect([labels(last.claimed), last.nextStartAt]).toEqual([['b1'], T0 + 1_000]);
      await settleRunning(s, T0 + 3);
      expect((await claimStep(s, 10, T0 + 500)).nextStartAt).toBe(T0 + 1_000);
      // At T0 + 1_000 the queue has three tokens, A two and B one: A, B, A in turn order.
      expect(labels((await claimStep(s, 10, T0 + 1_000)).claimed)).toEqual(['a2', 'b2', 'a3']);
    });

    it('removing it releases held groups at once and forgets their starts', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 1, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 4)]);
      expect(await claimLabels(s, 2, T0)).toEqual(['a0', '-']);
      await addQueue(s, { groupRateLimit: null });
      expect(await claimLabels(s, 1, T0 + 1)).toEqual(['a1']);
      await addQueue(s, { groupRateLimit: { max: 1, intervalMs: 1_000 } });
      expect(await claimLabels(s, 2, T0 + 2)).toEqual(['a2', '-']);
    });

    it('replacing it keeps the starts: the new limit counts those inside its window', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 3, intervalMs: 1_000 } });
      await addBatches(s, [groupJobs('A', 'a', 6)]);
      expect(await claimLabels(s, 2, T0)).toEqual(['a0', 'a1']);
      await addQueue(s, { groupRateLimit: { max: 2, intervalMs: 1_000 } });
      expect(await claimLabels(s, 1, T0 + 1)).toEqual(['-']);
      await addQueue(s, { groupRateLimit: { max: 3, intervalMs: 1_000 } });
      expect(await claimLabels(s, 2, T0 + 2)).toEqual(['a2', '-']);
    });

    it('held jobs keep their positions, and position inputs carry the group starts', async () => {
      const s = storage();
      await addQueue(s, { groupRateLimit: { max: 1, intervalMs: 1_000 } });
      const jobs = await addBatches(s, [groupJobs('A', 'a', 3), groupJobs('B', 'b', 3)]);
      expect(await claimLabels(s, 2, T0)).toEqual(['a0', 'b0']);
      const position = (i: number) => s.getPosition({ queue: QUEUE, id: nth(jobs, i).id, now: T0 + 1 });
      expect([await position(1), await position(4), await position(2), await position(5)]).toEqual([1, 2, 3, 4]);
      const a2 = await s.getPositionInputs({ queue: QUEUE, id: nth(jobs, 2).id, now: T0 + 1, ...READ });
      expect(a2?.group).toEqual({ name: 'A', rank: 1, higher: 0, running: 1, starts: [T0] });
      // Outside the window, a start no longer shows.
      const later = await s.getPositionInputs({ queue: QUEUE, id: nth(jobs, 2).id, now: T0 + 1_000, ...READ });
      expect(later?.group?.starts).toEqual([]);
      const ungrouped = await add(s, { name: 'u' });
      expect((await s.getPositionInputs({ queue: QUEUE, id: ungrouped.id, now: T0 + 1, ...READ }))?.group).toBeUndefined();
    });
  });
}
