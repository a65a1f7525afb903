/**
 * A worker's held (prefetched) jobs and the queue's state as other processes change it: a pause
 * stored without a notice reaching this worker (another SQLite process, with no event listener
 * here) still stops held jobs from starting within a read period; and a running job cancelled
 * while its worker closes ends `cancelled` with its `job:cancelled` event.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import { Worker } from '../src/worker/worker.js';

const workers: Array<Worker<never, never>> = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 0 })));
});

it('stops starting held jobs once a pause stored elsewhere is read, with every slot busy', async () => {
  const storage = new MemoryStorage();
  const queue = new Queue(storage, 'q');
  const started: number[] = [];
  for (let n = 0; n < 6; n++) await queue.add({ n });
  const worker = new Worker(
    queue,
    async (job) => {
      started.push((job.payload as { n: number }).n);
      await new Promise((r) => setTimeout(r, 300));
    },
    { concurrency: 1, prefetch: 5, pollIntervalMs: 50, heartbeat: 'main' },
  );
  workers.push(worker as unknown as Worker<never, never>);
  await expect.poll(() => started.length, { timeout: 5_000 }).toBe(1);
  // As another process pauses: the stored config changes, and no notice reaches this worker.
  await storage.upsertQueue({ name: 'q', paused: true, now: Date.now() });
  await new Promise((r) => setTimeout(r, 2_500));
  // Before: every held job ran (6 in 1.8 s); now at most the ones started before a read at most 500 ms old.
  expect(started.length).toBeLessThanOrEqual(3);
}, 20_000);

it('emits job:cancelled for a running job cancelled while its worker closes', async () => {
  const storage = new MemoryStorage();
  const queue = new Queue(storage, 'q');
  const cancelled: string[] = [];
  queue.on('job:cancelled', (e) => cancelled.push(e.jobId));
  let running = false;
  const worker = new Worker(
    queue,
    async () => {
      running = true;
      await new Promise((r) => setTimeout(r, 300)); // ignores its signal for a while
    },
    { heartbeat: 'main' },
  );
  const job = await queue.add({});
  await expect.poll(() => running, { timeout: 5_000 }).toBe(true);
  const closing = worker.close({ graceMs: 0 });
  expect((await queue.cancel(job.id)).state).toBe('running');
  await closing;
  expect((await queue.getJob(job.id))?.state).toBe('cancelled');
  expect(cancelled).toEqual([job.id]);
}, 20_000);
