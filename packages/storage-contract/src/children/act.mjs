/**
 * Does one thing to a storage from another process, then exits (plain Node). Input as JSON in
 * argv[2]: { descriptor, queue, action: 'cancel' | 'add' | 'run' | 'burst' | 'schedule', id?,
 * payload?, n?, key?, every? }: cancel a job, add one, add one and run it to completion with a
 * worker here ('burst': its handler reports progress `n` times at once), or declare schedule
 * `key` firing every `every` ms. Prints the job id; 'burst' prints JSON { id, published }, the
 * `stage` of each job:progress in the order this process published them; 'schedule' prints the
 * schedule's first tick (ms).
 */
import { Queue, Worker } from '@waitline/core';
import { openFromDescriptor } from './common.mjs';

const input = JSON.parse(process.argv[2]);
const storage = await openFromDescriptor(input.descriptor);
const queue = new Queue(storage, input.queue);
const published = [];
queue.on('job:progress', (e) => published.push(e.progress.stage));
let job;
if (input.action === 'cancel') job = await queue.cancel(input.id);
else if (input.action === 'schedule') job = { id: String((await queue.schedule(input.key, { every: input.every, payload: {} })).nextRunAt) };
else {
  const added = await queue.add(input.payload ?? {});
  job = added.record;
  if (input.action === 'run' || input.action === 'burst') {
    const burst = (progress) => Promise.all(Array.from({ length: input.n ?? 0 }, (_, i) => progress({ stage: `s${i}` })));
    const worker = new Worker(
      queue,
      async (_job, { progress }) => {
        if (input.action === 'burst') await burst(progress);
        else await progress({ percent: 50, stage: 'elsewhere' });
        return 'done elsewhere';
      },
      { heartbeat: 'main', pollIntervalMs: 50 },
    );
    await added.finished({ timeoutMs: 10_000 });
    await worker.close();
  }
}
process.stdout.write(input.action === 'burst' ? JSON.stringify({ id: job.id, published }) : job.id);
await storage.close();
