/**
 * Scenario 4: 4 worker processes × 10 slots under a global limit of 25 drain one queue, on each
 * storage; three start first and take every slot, the fourth starts while they hold them all.
 * Every job runs exactly once, never more than 25 handlers at once, and every process runs at
 * least 10% of the jobs (a process is never starved by the ones that settle-and-claim first).
 * Figures: each process's share, throughput, peak, how soon the late starter ran its first job.
 */
import { Queue } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures, printTable } from '../src/figures.js';
import { clock, Fleet, peakOverlap, stopAllFleets } from '../src/fleet.js';
import { SIZES } from '../src/scale.js';
import { waitFor } from '../src/servers.js';
import { postgresTarget, redisTarget, sqliteTarget, type Target } from '../src/targets.js';

const PROCESSES = 4;
const SLOTS = 10;
const LIMIT = 25;
const JOBS = SIZES.fairShareJobs;
const HANDLER_MS = SIZES.fairShareHandlerMs;

const targets: Record<string, Target> = {};
beforeAll(async () => {
  targets.sqlite = sqliteTarget();
  targets.postgres = await postgresTarget();
  targets.redis = await redisTarget({ aof: false });
});
afterAll(async () => {
  await stopAllFleets();
  await Promise.allSettled(Object.values(targets).map((t) => t.destroy()));
});

describe.each(['sqlite', 'postgres', 'redis'])('fair share under a global limit: %s', (name) => {
  it(`${PROCESSES} processes × ${SLOTS} slots, limit ${LIMIT}, ${JOBS} jobs of ${HANDLER_MS} ms: each job once, limit held, every process ≥ 10%`, async () => {
    const target = targets[name] as Target;
    const storage = await target.fresh();
    const queue = new Queue(storage, 'fair', { concurrency: LIMIT });
    for (let i = 0; i < JOBS; i += 1_000) {
      await queue.addBulk(Array.from({ length: Math.min(1_000, JOBS - i) }, (_, k) => ({ payload: { n: i + k } })));
    }
    const fleet = new Fleet(storage.describe());
    const spec = { queue: 'fair', handlerMs: HANDLER_MS, workerOptions: { concurrency: SLOTS, heartbeat: 'main', pollIntervalMs: 20 } };
    for (let p = 0; p < PROCESSES; p++) await fleet.spawn([spec]);
    // Three processes start and take every slot; the fourth starts while they hold them all.
    for (let p = 0; p < PROCESSES - 1; p++) await fleet.go(p);
    // Busy: they have started 4 jobs per slot of the limit (jobs are plenty, so they hold every slot).
    await waitFor(() => fleet.runs.length >= 4 * LIMIT, 'the first processes to hold the slots', 60_000, 5);
    const lateAt = clock();
    await fleet.go(PROCESSES - 1);
    try {
      await waitFor(async () => (await queue.getStats()).counts.completed === JOBS, `${JOBS} completions`, 240_000, 100);
    } finally {
      await fleet.stop();
    }
    const runs = fleet.runs;
    const first = Math.min(...runs.map((r) => r.start));
    const last = Math.max(...runs.map((r) => r.end ?? r.start));
    const perProcess = Array.from({ length: PROCESSES }, (_, p) => runs.filter((r) => r.proc === p).length);
    const shares = perProcess.map((n) => n / JOBS);
    const lateRuns = runs.filter((r) => r.proc === PROCESSES - 1).map((r) => r.start);
    const figures = {
      lateStarterFirstJobMs: lateRuns.length ? Math.round(Math.min(...lateRuns) - lateAt) : null,
      jobs: JOBS,
      handlerMs: HANDLER_MS,
      runs: runs.length,
      distinctJobs: new Set(runs.map((r) => r.id)).size,
      peak: peakOverlap(runs),
      jobsPerSecond: Math.round(JOBS / ((last - first) / 1_000)),
      perProcess,
      minShare: Number(Math.min(...shares).toFixed(3)),
    };
    recordFigures('fair share 4×10 limit 25', name, figures);
    printTable(
      `fair share on ${name}`,
      perProcess.map((n, p) => ({ process: p, jobs: n, share: `${(100 * (shares[p] ?? 0)).toFixed(1)}%` })),
    );

    expect(figures.runs).toBe(JOBS);
    expect(figures.distinctJobs).toBe(JOBS);
    expect(figures.peak).toBeLessThanOrEqual(LIMIT);
    expect((await queue.getStats()).counts).toMatchObject({ completed: JOBS, queued: 0, running: 0, failed: 0 });
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.1);
  });
});
