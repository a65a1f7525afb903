/**
 * A worker process for the exactly-once schedule test: runs one Queue and Worker (whose schedule
 * loop races the other children's for every tick) for `runMs`, then closes them.
 * Input: { descriptor, queue, runMs }.
 * Report: { ran: Array<{ schedule, tickAt }>, errors: string[] }: the tick of every job it ran.
 * @internal
 */
import { Queue, scheduledTick, Worker } from '@waitline/core';
import { openFromDescriptor, runChild, sleep } from './common.mjs';

await runChild({
  setup: async (input) => {
    const storage = await openFromDescriptor(input.descriptor);
    const queue = new Queue(storage, input.queue);
    const ran = [];
    const errors = [];
    const worker = new Worker(queue, async (job) => void ran.push(scheduledTick(job)), { pollIntervalMs: 50, heartbeat: 'main', autostart: false });
    worker.on('error', (err) => errors.push(String(err?.message ?? err)));
    return { input, storage, worker, ran, errors };
  },
  close: ({ storage }) => storage.close(),
  run: async ({ input, worker, ran, errors }) => {
    await worker.start();
    await sleep(input.runMs);
    await worker.close({ graceMs: 1_000 });
    return { ran, errors };
  },
});
