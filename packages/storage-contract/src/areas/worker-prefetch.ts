/**
 * Contract area: a `Worker` with `prefetch` on a real storage. Held jobs are `running` in the
 * storage under the worker, start in claim order one slot at a time, record their run time from
 * their own start (not their claim), are not held on a queue with a global limit, and are handed
 * back unrun, attempt not spent, when the worker closes.
 */
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import type { Queue } from '@waitline/core';
import { gate, type Live, sleep, until, useLive } from '../live.js';

/**
 * Runs the queue's jobs on one worker of concurrency 1 asked to prefetch 5; returns the most jobs
 * the storage counted running at once (1 when the worker held none ahead).
 */
export async function mostRunningWithPrefetch(live: Live, q: Queue<{ n: number }, number>): Promise<number> {
  let most = 0;
  live.worker(
    q,
    async (job) => {
      most = Math.max(most, (await q.getStats()).counts.running);
      await sleep(20);
      return job.payload.n;
    },
    { concurrency: 1, prefetch: 5 },
  );
  await q.whenIdle({ timeoutMs: 10_000 });
  return most;
}

/**
 * Drains `n` no-op jobs on one worker of concurrency 10 holding 40 ahead, renewing its leases every
 * 5 ms, so renewals of many leases run beside settles of many jobs; returns the errors it reported.
 */
export async function drainRenewingOften(live: Live, q: Queue<{ n: number }, number>, n: number): Promise<Error[]> {
  await q.addBulk(Array.from({ length: n }, (_, k) => ({ payload: { n: k } })));
  const errors: Error[] = [];
  const w = live.worker(q, async (job) => job.payload.n, { concurrency: 10, prefetch: 40, heartbeatMs: 5 });
  w.on('error', (err) => errors.push(err));
  await q.whenIdle({ timeoutMs: 60_000 });
  await w.close();
  return errors;
}

/** Registers the worker-prefetch area. */
export function describeWorkerPrefetch(harness: StorageHarness): void {
  describe(`${harness.name}: worker prefetch`, () => {
    const live = useLive(harness);

    it('holds jobs ahead as running, runs them in claim order one at a time, each run timed from its own start', async () => {
      const q = live.queue<{ n: number }, number>('prefetch-order');
      await q.addBulk(Array.from({ length: 8 }, (_, n) => ({ payload: { n } })));
      const seen: number[] = [];
      let inFlight = 0;
      let most = 0;
      let runningAtFirst = 0;
      live.worker(
        q,
        async (job) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          seen.push(job.payload.n);
          if (job.payload.n === 0) runningAtFirst = (await q.getStats()).counts.running;
          await sleep(60);
          inFlight -= 1;
          return job.payload.n;
        },
        { concurrency: 1, prefetch: 3 },
      );
      await q.whenIdle({ timeoutMs: 15_000 });
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(most).toBe(1);
      expect(runningAtFirst).toBeGreaterThan(1);
      const done = (await q.listJobs({ states: ['completed'], limit: 10, order: 'asc' })).items;
      const starts = done.map((j) => j.startedAt as number).sort((a, b) => a - b);
      // Held jobs were claimed together; their startedAt is when each handler started, one 60 ms run apart.
      for (let k = 1; k < starts.length; k++) expect((starts[k] as number) - (starts[k - 1] as number)).toBeGreaterThanOrEqual(50);
    });

    // Postgres deadlocked here (a settle and a renewal locking the same rows in other orders), which
    // cost a second's wait and a retry each time.
    it('renewals of many leases beside settles of many jobs end without a storage error', async () => {
      const q = live.queue<{ n: number }, number>('prefetch-renewing');
      expect(await drainRenewingOften(live, q, 3_000)).toEqual([]);
      expect((await q.getStats()).counts).toMatchObject({ completed: 3_000, running: 0, queued: 0 });
    });

    it('holds nothing ahead on a queue with a global concurrency limit', async () => {
      const q = live.queue<{ n: number }, number>('prefetch-limited', { concurrency: 1 });
      await q.addBulk(Array.from({ length: 4 }, (_, n) => ({ payload: { n } })));
      expect(await mostRunningWithPrefetch(live, q)).toBe(1);
    });

    it('close() hands held jobs back unrun, attempt not spent; a cancelled held job never runs', async () => {
      const q = live.queue<{ n: number }, number>('prefetch-close');
      const jobs = await q.addBulk(Array.from({ length: 5 }, (_, n) => ({ payload: { n } })));
      const release = gate();
      const ran: number[] = [];
      const w = live.worker(
        q,
        async (job) => {
          ran.push(job.payload.n);
          await release.promise;
          return job.payload.n;
        },
        { concurrency: 1, prefetch: 3 },
      );
      await until(async () => (await q.getStats()).counts.running === 4, 'the worker to hold 3 jobs ahead', 10_000);
      await q.cancel(jobs[1]?.id as string);
      await until(async () => (await q.getJob(jobs[1]?.id as string))?.state === 'cancelled', 'the held job to be cancelled', 10_000);
      // Closing while job 0 still runs: the held jobs go back at once, job 0 finishes.
      const closing = w.close({ graceMs: 10_000 });
      await until(async () => (await q.getStats()).counts.queued === 3, 'the held jobs to be handed back', 10_000);
      release.open();
      await closing;
      expect(ran).toEqual([0]);
      const counts = (await q.getStats()).counts;
      expect(counts).toMatchObject({ running: 0, completed: 1, cancelled: 1, queued: 3 });
      const queued = (await q.listJobs({ states: ['queued'], limit: 10 })).items;
      expect(queued.map((j) => j.attempt)).toEqual([0, 0, 0]);
    });
  });
}
