/**
 * Scenario 1: a worker process SIGKILLed while it runs jobs, on each storage. Two queues run side
 * by side in the same two processes: `retrying` (3 attempts, 3 s lease) and `defaults` (a queue
 * and worker with default options: the Done-when target is that the killed job runs again within
 * 2 lease periods and completes exactly once, with no option set). Figures per queue: jobs in
 * flight at the kill, lost (not completed), run twice outside the killed attempts, time from the
 * kill until each killed job ran again. The queues are short (a reclaimed job goes to the back of
 * its priority level, so a long backlog would be measured instead of the recovery).
 */
import { Queue } from '@waitline/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { addJobs, allJobs, stateCounts, untilAllFinal } from '../src/drain.js';
import { recordFigures } from '../src/figures.js';
import { Fleet, ranTwice, runsByJob, stopAllFleets } from '../src/fleet.js';
import { SIZES } from '../src/scale.js';
import { waitFor } from '../src/servers.js';
import { postgresTarget, redisTarget, sqliteTarget, type Target } from '../src/targets.js';

const JOBS = SIZES.killJobs;
const QUEUES = {
  retrying: { queueOptions: { retry: { attempts: 3 } }, workerOptions: { concurrency: 4, leaseMs: 3_000 } },
  defaults: { queueOptions: {}, workerOptions: { concurrency: 4 } },
} as const;

const targets: Record<string, Target> = {};
beforeAll(async () => {
  targets.sqlite = sqliteTarget();
  targets.postgres = await postgresTarget();
  targets.redis = await redisTarget({ aof: true });
});
afterAll(async () => {
  await stopAllFleets();
  await Promise.allSettled(Object.values(targets).map((t) => t.destroy()));
});

describe.concurrent.each(['sqlite', 'postgres', 'redis'])('SIGKILL mid-job: %s', (name) => {
  it('the killed jobs run again within 2 lease periods; nothing lost, nothing else run twice', async ({ expect }) => {
    const storage = await (targets[name] as Target).fresh();
    const queues = Object.fromEntries(Object.entries(QUEUES).map(([q, o]) => [q, new Queue(storage, q, o.queueOptions as Record<string, never>)])) as Record<
      keyof typeof QUEUES,
      Queue
    >;
    const fleet = new Fleet(storage.describe());
    const specs = Object.entries(QUEUES).map(([queue, o]) => ({ queue, handlerMs: 500, ...o }));
    await fleet.spawn(specs);
    await fleet.spawn(specs);
    const leaseMs = await fleet.leaseMs(0);
    // Both processes are up before the jobs arrive (so both get some); process 0 is killed once
    // it holds jobs of both queues in flight and process 1 (the survivor) runs too.
    await fleet.go();
    for (const q of Object.values(queues)) await addJobs(q, JOBS);
    const inFlight = (q: string) => fleet.runs.filter((r) => r.proc === 0 && r.queue === q && r.settled === null);
    await waitFor(
      () => Object.keys(QUEUES).every((q) => inFlight(q).length > 0) && fleet.runs.some((r) => r.proc === 1),
      'jobs of both queues in flight in process 0, and a job in process 1',
      30_000,
      5,
    );
    const killedAt = await fleet.kill(0);
    const killed = Object.fromEntries(Object.keys(QUEUES).map((q) => [q, inFlight(q).map((r) => r.id)]));

    const longest = Math.max(...Object.values(leaseMs));
    try {
      await Promise.all(Object.values(queues).map((q) => untilAllFinal(q, JOBS, 2 * longest + 30_000)));
    } finally {
      await fleet.stop();
    }
    for (const [q, queue] of Object.entries(queues)) {
      const jobs = await allJobs(queue);
      const runs = fleet.runs.filter((r) => r.queue === q);
      const byJob = runsByJob(runs);
      const rerunMs = (killed[q] ?? []).map((id) => {
        const again = (byJob.get(`${q}/${id}`) ?? []).find((r) => r.start > killedAt);
        return again ? Math.round(again.start - killedAt) : null;
      });
      const figures = {
        leaseMs: leaseMs[q],
        jobs: JOBS,
        killedInFlight: killed[q]?.length ?? 0,
        lost: jobs.filter((j) => j.state !== 'completed').length,
        twice: ranTwice(runs, (p) => fleet.killedAt(p)).length,
        rerunMs,
        states: stateCounts(jobs),
        errors: [...new Set(fleet.errors.map((e) => e.code ?? e.name))],
      };
      recordFigures(`SIGKILL mid-job, queue "${q}"`, name, figures);
      expect.soft(figures.lost, `${q}: jobs not completed`).toBe(0);
      expect.soft(figures.twice, `${q}: jobs run twice outside a killed attempt`).toBe(0);
      for (const ms of rerunMs) expect.soft(ms, `${q}: a killed job ran again within 2 lease periods`).not.toBeNull();
      for (const ms of rerunMs) if (ms !== null) expect.soft(ms).toBeLessThanOrEqual(2 * (leaseMs[q] ?? 0));
    }
  });
});
