/**
 * A worker process for the multi-process drain test (plain Node). Input as JSON in argv[2]:
 *   { descriptor, queue, concurrency, handlerMs }
 * Each handler records when it ran (wall-clock ms with sub-ms precision, comparable across
 * processes on one machine). On { type: 'stop' } it closes and sends { type: 'report', runs }.
 */
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from '@waitline/core';
import { openFromDescriptor } from './common.mjs';

const input = JSON.parse(process.argv[2]);
const storage = await openFromDescriptor(input.descriptor);
const queue = new Queue(storage, input.queue);
const runs = [];
const errors = [];
const clock = () => performance.timeOrigin + performance.now();

const worker = new Worker(
  queue,
  async (job) => {
    const start = clock();
    await new Promise((resolve) => setTimeout(resolve, input.handlerMs));
    runs.push({ id: job.id, start, end: clock(), attempt: job.attempt });
    return process.pid;
  },
  { concurrency: input.concurrency, heartbeat: 'main', pollIntervalMs: 20, autostart: false },
);
worker.on('error', (err) => errors.push(String(err?.message ?? err)));
process.on('message', async (m) => {
  if (m?.type === 'go') {
    await worker.start();
    return;
  }
  if (m?.type !== 'stop') return;
  await worker.close({ graceMs: 5_000 });
  await storage.close();
  process.send({ type: 'report', runs, errors }, () => process.exit(0));
});
process.send({ type: 'ready' });
