/**
 * Contract area, live: held (prefetched) jobs against queue control that lands while they are
 * held. A pause the worker hears while the claim that took them is in flight, and a global
 * concurrency limit stored after they were claimed: neither may let a held job start past what
 * the queue allows. Held jobs are `running` to the storage, so its own checks never see them
 * start: only the worker can hold them back.
 */
import { Queue } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { gate, intercept, type Live, sleep, until, useLive } from '../live.js';

/** What the worker's first claim that got jobs saw, and what started on its queue. */
interface PauseInFlight {
  queue: Queue<{ n: number }, number>;
  /** The payloads whose handlers started, in order. */
  started: number[];
  /** Opens once the pause was stored and heard, just before the claim's reply reaches the worker. */
  replied: Promise<void>;
}

/**
 * Queues 6 jobs and starts a worker of concurrency 1 holding 3 ahead whose first claim that gets
 * jobs answers late: after it has read the queue, the queue is paused and the worker hears it
 * (its `queue:paused` notice) before the reply, as over a slow network. Polls are 5 s apart, so
 * the settings read before the claim stays fresh and no re-read hides what the reply does.
 */
async function pauseDuringClaim(live: Live, name: string): Promise<PauseInFlight> {
  const storage = live.storage();
  let heard = false;
  storage.notifier?.subscribe(name, (n) => void (n.kind === 'event' && n.event === 'queue:paused' && (heard = true)));
  const reply = gate();
  let armed = true;
  const slow = intercept(storage, 'claim', async (call) => {
    const jobs = (await call()) as unknown[];
    if (armed && jobs.length > 0) {
      armed = false;
      await queue.pause();
      await until(() => heard, 'the worker to hear the pause', 10_000);
      reply.open();
    }
    return jobs;
  });
  const queue = new Queue<{ n: number }, number>(slow, name);
  await queue.addBulk(Array.from({ length: 6 }, (_, n) => ({ payload: { n } })));
  const started: number[] = [];
  const handler = async (job: { payload: { n: number } }) => {
    started.push(job.payload.n);
    await sleep(20);
    return job.payload.n;
  };
  live.worker(queue, handler, { concurrency: 1, prefetch: 3, pollIntervalMs: 5_000 });
  return { queue, started, replied: reply.promise };
}

/** What a worker holding jobs when a global concurrency limit was set ran after it. */
interface AfterLimit {
  /** The most handlers started after the limit running at once. */
  mostAtOnce: number;
  /** How many jobs completed in all. */
  completed: number;
}

/**
 * Runs 8 jobs on a worker of concurrency 3 holding 3 ahead: the first three block until the
 * queue has got a global concurrency limit of 1 (stored by another queue object, as a new
 * deployment does) and the worker's settings read from before it has gone stale; then counts
 * how many of the jobs started after the limit ran at once.
 */
async function runAcrossLimit(live: Live, name: string): Promise<AfterLimit> {
  const storage = live.storage();
  let reading = 0;
  const counted = intercept(storage, 'getQueue', async (call) => {
    reading += 1;
    return call().finally(() => void (reading -= 1));
  });
  const queue = new Queue<{ n: number }, number>(counted, name);
  await queue.addBulk(Array.from({ length: 8 }, (_, n) => ({ payload: { n } })));
  const release = gate();
  const run = { limited: false, blocked: 0, late: 0, mostAtOnce: 0 };
  live.worker(queue, (job) => runAcross(run, release.promise, job.payload.n), { concurrency: 3, prefetch: 3 });
  const stats = new Queue(storage, name);
  await until(async () => run.blocked === 3 && (await stats.getStats()).counts.running === 6, 'three jobs to run and three to be held', 10_000);
  await new Queue(storage, name, { concurrency: 1 }).ready();
  run.limited = true;
  // A read of the settings in flight may have missed the limit; once none is, let the last one go
  // stale (the worker re-reads every poll, 500 ms at the least) so the next start reads again.
  await until(() => reading === 0, 'the settings reads in flight to end', 10_000);
  await sleep(700);
  release.open();
  await until(async () => (await stats.getStats()).counts.completed === 8, 'every job to complete', 15_000);
  return { mostAtOnce: run.mostAtOnce, completed: (await stats.getStats()).counts.completed };
}

/** One handler run of {@link runAcrossLimit}: blocks before the limit, counts overlap after it. */
async function runAcross(run: { limited: boolean; blocked: number; late: number; mostAtOnce: number }, release: Promise<void>, n: number): Promise<number> {
  if (!run.limited) {
    run.blocked += 1;
    await release;
    return n;
  }
  run.late += 1;
  run.mostAtOnce = Math.max(run.mostAtOnce, run.late);
  await sleep(150);
  run.late -= 1;
  return n;
}

/** Registers the worker-held-control area. */
export function describeWorkerHeldControl(harness: StorageHarness): void {
  describe(`${harness.name}: worker held control`, () => {
    const live = useLive(harness);

    it('a pause heard while the claim is in flight keeps the jobs it claimed ahead from starting', async (ctx) => {
      if (!live.storage().notifier) return ctx.skip();
      const { queue, started, replied } = await pauseDuringClaim(live, 'held-pause-in-flight');
      await replied;
      // Job 0 took the free slot of a claim made before the pause; the three held behind it go back.
      await until(async () => (await queue.getStats()).counts.running === 0, 'nothing to run or be held', 10_000);
      await sleep(300);
      expect(started).toEqual([0]);
      expect((await queue.getStats()).counts).toMatchObject({ queued: 5, running: 0, completed: 1 });
      const queued = (await queue.listJobs({ states: ['queued'], limit: 10 })).items;
      expect(queued.map((j) => j.attempt)).toEqual([0, 0, 0, 0, 0]);
    });

    it('jobs held before the queue got a global concurrency limit go back and then start one at a time', async () => {
      const { mostAtOnce, completed } = await runAcrossLimit(live, 'held-limit-after-claim');
      // The first three ran before the limit and went on; the held three must not start together.
      expect(completed).toBe(8);
      expect(mostAtOnce).toBe(1);
    });
  });
}
