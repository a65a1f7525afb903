/**
 * One worker process of the SCHED row: reopens the storage from its descriptor, runs a Worker on
 * the queue (which fires the queue's due schedule ticks, racing the other processes), says
 * `ready`, and closes on `stop`.
 */
import { Queue, type Storage, type StorageDescriptor, Worker } from '@waitline/core';

interface Job {
  descriptor: StorageDescriptor;
  queue: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const mod = (await import(job.descriptor.moduleUrl)) as Record<string, { fromDescriptor(o: unknown): Promise<Storage> }>;
const factory = mod[job.descriptor.exportName];
if (!factory) throw new Error(`${job.descriptor.moduleUrl} has no export ${job.descriptor.exportName}`);
const storage = await factory.fromDescriptor(job.descriptor.options);
const worker = new Worker(new Queue(storage, job.queue), async () => null, { concurrency: 4 });
worker.on('error', () => undefined);
await worker.start();
process.send?.('ready');
process.on('message', (m) => {
  if (m !== 'stop') return;
  void (async () => {
    await worker.close({ graceMs: 1_000 });
    await storage.close();
    process.exit(0);
  })();
});
