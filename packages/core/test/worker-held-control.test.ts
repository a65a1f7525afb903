/**
 * Held (prefetched) jobs against queue control that lands while they are held: a pause that
 * arrives while the claim that took them is in flight, and a global concurrency limit stored
 * after they were claimed. Neither may let a held job start past what the queue allows.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import type { Storage } from '../src/storage.js';
import { Worker } from '../src/worker/worker.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const workers: Array<Worker<never, never>> = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 0 })));
});

it('a pause stored while the claim is in flight keeps the jobs it holds ahead from starting', async () => {
  const storage = new MemoryStorage();
  let hook: (() => Promise<void>) | undefined;
  // The real storage; only the claim's reply comes back late (after the pause), as over a slow network.
  const slow = new Proxy(storage, {
    get(t, k) {
      if (k === 'claim') {
        return async (p: Parameters<Storage['claim']>[0]) => {
          const jobs = await t.claim(p);
          const h = hook;
          if (h && jobs.length > 0) {
            hook = undefined;
            await h();
          }
          return jobs;
        };
      }
      const v = Reflect.get(t, k, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as Storage;
  const queue = new Queue<{ n: number }>(slow, 'q');
  await queue.ready();
  const started: number[] = [];
  let pausedAt = Number.POSITIVE_INFINITY;
  const worker = new Worker(
    queue,
    async (job) => {
      if (Date.now() >= pausedAt) started.push(job.payload.n);
      await sleep(30);
    },
    { concurrency: 1, prefetch: 3, pollIntervalMs: 100, heartbeat: 'main' },
  );
  workers.push(worker as unknown as Worker<never, never>);
  await sleep(700); // the first config read is done: no limits, so it holds jobs ahead
  hook = async () => {
    await queue.pause();
    pausedAt = Date.now();
    await sleep(100);
  };
  await queue.addBulk(Array.from({ length: 6 }, (_, n) => ({ payload: { n } })));
  await sleep(1_500);
  // Job 0 filled the free slot of a claim made before the pause; the three held behind it must wait.
  expect(started).toEqual([0]);
  expect((await queue.getStats()).counts).toMatchObject({ queued: 5, running: 0 });
}, 20_000);

it('jobs held before the queue got a global concurrency limit do not start past it', async () => {
  const storage = new MemoryStorage();
  const queue = new Queue<{ n: number }>(storage, 'q');
  await queue.addBulk(Array.from({ length: 12 }, (_, n) => ({ payload: { n } })));
  let limitAt = Number.POSITIVE_INFINITY;
  let late = 0;
  let mostLate = 0;
  let first = 0;
  const worker = new Worker(
    queue,
    async () => {
      first++;
      const counted = Date.now() > limitAt;
      if (counted) mostLate = Math.max(mostLate, ++late);
      await sleep(1_000);
      if (counted) late--;
    },
    { concurrency: 3, prefetch: 3, pollIntervalMs: 100, heartbeat: 'main' },
  );
  workers.push(worker as unknown as Worker<never, never>);
  await expect.poll(() => first).toBe(3);
  expect((await queue.getStats()).counts.running).toBe(6); // 3 running, 3 held
  // As a new deployment does: a queue object with the new option stores it.
  await new Queue(storage, 'q', { concurrency: 1 }).ready();
  limitAt = Date.now();
  await sleep(4_000);
  // The first three were running before the limit and go on; what starts after it runs one at a time.
  expect(mostLate).toBe(1);
}, 20_000);
