/**
 * Does one thing to a storage from another process, then exits (plain Node). Input as JSON in
 * argv[2]: { descriptor, queue, action: 'cancel' | 'add' | 'run', id?, payload? }: cancel a job,
 * add one, or add one and run it to completion with a worker here. Prints the job id.
 */
import { Queue, Worker } from '@waitline/core';
import { openFromDescriptor } from './common.mjs';

const input = JSON.parse(process.argv[2]);
const storage = await openFromDescriptor(input.descriptor);
const queue = new Queue(storage, input.queue);
let job;
if (input.action === 'cancel') job = await queue.cancel(input.id);
else {
  const added = await queue.add(input.payload ?? {});
  job = added.record;
  if (input.action === 'run') {
    const worker = new Worker(
      queue,
      async (_job, { progress }) => {
        await progress({ percent: 50, stage: 'elsewhere' });
        return 'done elsewhere';
      },
      { heartbeat: 'main', pollIntervalMs: 50 },
    );
    await added.finished({ timeoutMs: 10_000 });
    await worker.close();
  }
}
process.stdout.write(job.id);
await storage.close();
