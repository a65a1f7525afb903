/**
 * A worker process for the process-level contract tests (plain Node). Input comes as JSON in argv[2]:
 *   { descriptor, queue, leaseMs, mode: 'busy' | 'hang', busyMs, defaults }
 * It runs one Worker with the heartbeat thread: with `defaults: true`, every worker option left to
 * its default (leaseMs included); otherwise `leaseMs` and a 50 ms poll. `busy` blocks the event
 * loop for `busyMs` (a CPU-bound handler) then returns; `hang` awaits forever (to be killed). It
 * reports to the parent over IPC: { type: 'ready' }, { type: 'active', jobId, attempt },
 * { type: 'done', jobId }.
 */
import { Queue, Worker } from '@waitline/core';
import { openFromDescriptor } from './common.mjs';

const input = JSON.parse(process.argv[2]);
const storage = await openFromDescriptor(input.descriptor);
const queue = new Queue(storage, input.queue);

function blockFor(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

const worker = new Worker(
  queue,
  async (job, { attempt }) => {
    process.send({ type: 'active', jobId: job.id, attempt });
    if (input.mode === 'hang') await new Promise(() => undefined);
    blockFor(input.busyMs);
    return `busy for ${input.busyMs} ms`;
  },
  input.defaults ? { autostart: false } : { leaseMs: input.leaseMs, heartbeat: 'thread', pollIntervalMs: 50, autostart: false },
);
worker.on('error', (err) => process.send({ type: 'error', message: String(err?.message ?? err) }));
queue.on('job:completed', ({ jobId }) => process.send({ type: 'done', jobId }));
process.on('message', async (m) => {
  if (m?.type !== 'stop') return;
  await worker.close({ graceMs: 1_000 });
  await storage.close();
  process.exit(0);
});
await worker.start();
process.send({ type: 'ready' });
