/**
 * Workers and statistics: registration upserts and refreshes, deregistration removes, live
 * workers are those seen within `workerStaleMs`; `getStats` counts by state (queued split into
 * ready and scheduled), counts finished jobs per window, and samples recent finished jobs.
 * @internal
 */
import type { NewJob, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claimOne, finishJob, QUEUE, settleFail, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const WINDOWS = [60_000, 300_000, 3_600_000];
/** When statistics are read in the scene below. */
const NOW = T0 + 10_000_000;

function stats(s: Storage, now = NOW, extra: { sampleLimit?: number; workerStaleMs?: number; queue?: string } = {}) {
  return s.getStats({ queue: QUEUE, now, windowsMs: WINDOWS, sampleLimit: 10, workerStaleMs: 60_000, ...extra });
}

const worker = { queue: QUEUE, host: 'host-a', pid: 4242, concurrency: 2 };

/**
 * Finished jobs at known distances before {@link NOW}, one job waiting out a retry, and one of
 * each other state; plus a finished job in another queue, more recent than any of them.
 */
async function seedStatsScene(s: Storage) {
  await addQueue(s);
  await addQueue(s, { name: 'other' });
  const done = (ago: number, overrides: Partial<NewJob> = {}) =>
    finishJob(s, { overrides, now: NOW - ago - 20, claimAt: NOW - ago - 10, finishAt: NOW - ago, outcome: 'completed' });
  await done(5_000_000);
  await done(2_000_000, { name: 'b', size: 4 });
  await finishJob(s, { now: NOW - 250_020, claimAt: NOW - 250_010, finishAt: NOW - 250_000, outcome: 'failed' });
  const d = await done(200_000, { name: 'd', size: 2 });
  const e = await done(30_000, { name: 'e' });
  const retrying = await add(s, {}, { now: NOW - 10_020 });
  await settleFail(s, await claimOne(s, { now: NOW - 10_010 }), NOW - 10_000, NOW + 1_000_000);
  const cancelled = await add(s, {}, { now: NOW - 9_000 });
  await s.cancel({ queue: cancelled.queue, id: cancelled.id, now: NOW - 9_000 });
  await add(s, {}, { now: NOW - 8_000 });
  await claimOne(s, { now: NOW - 8_000 });
  await add(s, {}, { now: NOW - 7_000 });
  await add(s, {}, { now: NOW - 6_000 });
  await add(s, { runAt: NOW + 50_000 }, { now: NOW - 5_000 });
  await finishJob(s, { queue: 'other', now: NOW - 1_020, claimAt: NOW - 1_010, finishAt: NOW - 1_000, outcome: 'completed' });
  await add(s, {}, { queue: 'other', now: NOW - 500 });
  return { d, e, retrying };
}

/** Registers the workers and stats area: registration, liveness, `getStats`. */
export function describeWorkersStats(harness: StorageHarness): void {
  describe('workers and stats', () => {
    const storage = useStorage(harness);

    it('registerWorker stores a worker; registering again refreshes it in place', async () => {
      const s = storage();
      await addQueue(s);
      await s.registerWorker({ id: 'w1', ...worker, now: T0 });
      expect((await stats(s, T0 + 1)).liveWorkers).toEqual([{ id: 'w1', ...worker, startedAt: T0, lastSeenAt: T0 }]);
      await s.registerWorker({ id: 'w1', ...worker, concurrency: 4, now: T0 + 5_000 });
      expect((await stats(s, T0 + 5_001)).liveWorkers).toEqual([{ id: 'w1', ...worker, concurrency: 4, startedAt: T0, lastSeenAt: T0 + 5_000 }]);
    });

    it('a refresh keeps a worker live past the stale limit of its first registration', async () => {
      const s = storage();
      await addQueue(s);
      await s.registerWorker({ id: 'w1', ...worker, now: T0 });
      await s.registerWorker({ id: 'w1', ...worker, now: T0 + 50_000 });
      expect((await stats(s, T0 + 100_000)).liveWorkers.map((w) => w.id)).toEqual(['w1']);
      expect((await stats(s, T0 + 200_000)).liveWorkers).toEqual([]);
    });

    it('deregisterWorker removes the worker; an unknown id is fine', async () => {
      const s = storage();
      await addQueue(s);
      await s.registerWorker({ id: 'w1', ...worker, now: T0 });
      await s.registerWorker({ id: 'w2', ...worker, now: T0 });
      await s.deregisterWorker({ id: 'w1' });
      await s.deregisterWorker({ id: 'never-registered' });
      expect((await stats(s, T0 + 1)).liveWorkers.map((w) => w.id)).toEqual(['w2']);
    });

    it('live workers exclude those silent past workerStaleMs and those of other queues', async () => {
      const s = storage();
      await addQueue(s);
      await s.registerWorker({ id: 'fresh', ...worker, now: T0 + 90_000 });
      await s.registerWorker({ id: 'stale', ...worker, now: T0 });
      await s.registerWorker({ id: 'elsewhere', ...worker, queue: 'other', now: T0 + 90_000 });
      const live = (await stats(s, T0 + 100_000, { workerStaleMs: 30_000 })).liveWorkers;
      expect(live.map((w) => w.id)).toEqual(['fresh']);
    });

    it('getStats counts jobs by state, queued split into ready and scheduled, one queue only', async () => {
      const s = storage();
      await seedStatsScene(s);
      const { counts, config } = await stats(s);
      expect(counts).toEqual({ queued: 4, ready: 2, scheduled: 2, running: 1, completed: 4, failed: 1, cancelled: 1 });
      expect(config).toEqual({ name: QUEUE, concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false });
    });

    it('getStats windows count the jobs completed and failed within each window', async () => {
      const s = storage();
      await seedStatsScene(s);
      expect((await stats(s)).windows).toEqual([
        { windowMs: 60_000, completed: 1, failed: 0 },
        { windowMs: 300_000, completed: 2, failed: 1 },
        { windowMs: 3_600_000, completed: 3, failed: 1 },
      ]);
    });

    it('getStats samples the most recently finished jobs of the queue, up to sampleLimit', async () => {
      const s = storage();
      await seedStatsScene(s);
      const { recent } = await stats(s, NOW, { sampleLimit: 2 });
      expect(recent).toHaveLength(2);
      expect(recent).toEqual(
        expect.arrayContaining([
          {
            name: 'e',
            state: 'completed',
            priority: 2,
            size: null,
            createdAt: NOW - 30_020,
            runAt: NOW - 30_020,
            startedAt: NOW - 30_010,
            finishedAt: NOW - 30_000,
          },
          {
            name: 'd',
            state: 'completed',
            priority: 2,
            size: 2,
            createdAt: NOW - 200_020,
            runAt: NOW - 200_020,
            startedAt: NOW - 200_010,
            finishedAt: NOW - 200_000,
          },
        ]),
      );
      const all = (await stats(s, NOW, { sampleLimit: 100 })).recent;
      expect(all).toHaveLength(5);
      expect(all.filter((r) => r.state === 'failed')).toHaveLength(1);
    });
  });
}
