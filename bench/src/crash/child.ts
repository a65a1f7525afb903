/**
 * One worker process of the crash-recovery measurement: opens the storage its descriptor names,
 * runs one `Worker` with every option at its default, and reports over IPC: { type: 'ready' },
 * { type: 'active', jobId, attempt }, { type: 'done', jobId }. In `hang` mode its handler never
 * returns (it is there to be killed); otherwise it returns at once.
 */
import { Queue, type Storage, type StorageDescriptor, Worker } from '@waitline/core';

interface Input {
  descriptor: StorageDescriptor;
  queue: string;
  hang: boolean;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const send = (m: Record<string, unknown>) => process.send?.(m);
const mod = (await import(input.descriptor.moduleUrl)) as Record<string, { fromDescriptor(o: unknown): Promise<Storage> }>;
const storage = await (mod[input.descriptor.exportName] as { fromDescriptor(o: unknown): Promise<Storage> }).fromDescriptor(input.descriptor.options);
const queue = new Queue(storage, input.queue);
const worker = new Worker(
  queue,
  async (job, { attempt }) => {
    send({ type: 'active', jobId: job.id, attempt });
    if (input.hang) await new Promise(() => undefined);
    return 'done';
  },
  { autostart: false },
);
worker.on('error', (err) => send({ type: 'error', message: err.message }));
queue.on('job:completed', ({ jobId }) => send({ type: 'done', jobId }));
process.on('message', async (m: { type?: string }) => {
  if (m?.type !== 'stop') return;
  await worker.close({ graceMs: 1_000 });
  await storage.close();
  process.exit(0);
});
await worker.start();
send({ type: 'ready' });
