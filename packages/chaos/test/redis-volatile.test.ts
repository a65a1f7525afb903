/**
 * Scenario 3: a redis-server WITHOUT persistence is restarted mid-drain, so it comes back empty.
 * This records what happens today: how many queued jobs vanished, what the worker reported, and
 * whether the queue's stored global concurrency limit survived. It asserts what holds today: the
 * worker process survives and runs jobs added after the restart. It will tighten with reset
 * detection (issue 8, item 5): a `StorageResetError` (code STORAGE_RESET) on the worker's error
 * events (asserted) and the limit written back from the `Queue` options (see the TIGHTEN mark).
 */
import { Queue } from '@waitline/core';
import { RedisStorage } from '@waitline/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { addJobs, untilSettled } from '../src/drain.js';
import { recordFigures } from '../src/figures.js';
import { clock, Fleet, stopAllFleets } from '../src/fleet.js';
import { SIZES } from '../src/scale.js';
import { waitFor } from '../src/servers.js';
import { redisTarget, type Target } from '../src/targets.js';

const JOBS = SIZES.volatileJobs;
const LIMIT = 5;
const AFTER = 20;
const made: Target[] = [];
afterAll(async () => {
  await stopAllFleets();
  await Promise.allSettled(made.map((t) => t.destroy()));
});

describe('redis without persistence, restarted mid-drain', () => {
  it('records the vanished jobs and the lost limit; the worker survives and runs new jobs', async () => {
    const target = await redisTarget({ aof: false });
    made.push(target);
    const server = target.server as NonNullable<Target['server']>;
    const storage = await target.fresh();
    const queue = new Queue(storage, 'volatile', { concurrency: LIMIT });
    const original = new Set(await addJobs(queue, JOBS));
    const fleet = new Fleet(storage.describe());
    await fleet.spawn([{ queue: 'volatile', handlerMs: 20, workerOptions: { concurrency: LIMIT, leaseMs: 3_000 } }]);
    await fleet.go();
    let storedBefore = 0;
    let newDone = 0;
    let configAfter: unknown = null;
    let resumeMs: number | null = null;
    let errorsBefore = 0;
    try {
      await untilSettled(fleet, 'volatile', Math.round(JOBS * 0.25), 60_000);
      errorsBefore = fleet.errors.length;
      await server.stop();
      storedBefore = fleet.runs.filter((r) => r.settled !== null).length;
      await server.start();
      const upAt = clock();
      // A new producer, as an application restarted with the server would open (it migrates).
      const producer = await RedisStorage.open({
        connection: (target.server as { connection: { host: string; port: number } }).connection,
        prefix: String(storage.describe().options.prefix),
      });
      try {
        const producerQueue = new Queue(producer, 'volatile');
        configAfter = await producerQueue.getConfig();
        const added = await addJobs(producerQueue, AFTER);
        await waitFor(
          async () => {
            const c = (await producerQueue.getStats()).counts;
            return c.completed >= AFTER;
          },
          `${AFTER} jobs added after the restart to complete`,
          60_000,
          100,
        );
        newDone = (await producerQueue.getStats()).counts.completed;
        const firstNew = fleet.runs.filter((r) => added.includes(r.id)).map((r) => r.start);
        resumeMs = firstNew.length ? Math.round(Math.min(...firstNew) - upAt) : null;
      } finally {
        await producer.close();
      }
    } finally {
      await fleet.stop();
    }
    const after = fleet.errors.slice(errorsBefore);
    const codes: Record<string, number> = {};
    for (const e of after) codes[e.code ?? e.name] = (codes[e.code ?? e.name] ?? 0) + 1;
    const figures = {
      jobs: JOBS,
      storedBeforeRestart: storedBefore,
      vanished: JOBS - new Set(fleet.runs.filter((r) => r.settled !== null && original.has(r.id)).map((r) => r.id)).size,
      limitBefore: LIMIT,
      limitAfter: (configAfter as { concurrency: number | null } | null)?.concurrency ?? null,
      errorCodesAfterRestart: codes,
      storageResetReported: after.some((e) => e.code === 'STORAGE_RESET'),
      addedAfterRestart: AFTER,
      completedAfterRestart: newDone,
      resumeMs,
    };
    recordFigures('redis without persistence restarted', 'redis (no AOF)', figures);
    // Holds today: the process survives and new work runs.
    expect(newDone).toBeGreaterThanOrEqual(AFTER);
    // Holds today: the jobs still queued at the restart are gone (nothing brings them back).
    expect(figures.vanished).toBeGreaterThan(0);
    // The loss is reported, typed, on the worker's error events.
    expect(figures.storageResetReported).toBe(true);
    // TIGHTEN: expect(figures.limitAfter).toBe(LIMIT) once the worker process's Queue carries the
    // limit in its options (today the limit is set by another Queue, which is not live at the restart).
  });
});
