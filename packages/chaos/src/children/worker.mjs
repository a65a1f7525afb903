/**
 * A worker process of the chaos suite (plain Node). Input as JSON in argv[2]:
 *   { descriptor, workers: [{ queue, queueOptions, workerOptions, handlerMs }] }
 * Reports every step of every job to the parent over IPC the moment it happens, so a parent that
 * SIGKILLs this process knows exactly what was in flight:
 *   { type: 'ready', leaseMs: { [queue]: ms } }        storage open, workers built (not started)
 *   { type: 'start', queue, id, attempt, at }          a handler began
 *   { type: 'end', queue, id, at }                     a handler returned (not yet stored)
 *   { type: 'settled', queue, id, state, at }          the outcome is stored (a job event)
 *   { type: 'error', name, code, message, at }         a worker's error event
 *   { type: 'started' }                                every worker registered and claiming
 * Parent messages: { type: 'go' } starts the workers; { type: 'stop' } closes them and exits.
 */
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from '@waitline/core';

const input = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();
const send = (m) => process.send?.(m);

const mod = await import(input.descriptor.moduleUrl);
const storage = await mod[input.descriptor.exportName].fromDescriptor(input.descriptor.options);

const workers = input.workers.map((spec) => {
  const queue = new Queue(storage, spec.queue, spec.queueOptions ?? {});
  for (const event of ['job:completed', 'job:failed', 'job:cancelled']) {
    queue.on(event, (p) => send({ type: 'settled', queue: spec.queue, id: p.jobId, state: event.slice(4), at: now() }));
  }
  const worker = new Worker(
    queue,
    async (job) => {
      send({ type: 'start', queue: spec.queue, id: job.id, attempt: job.attempt, at: now() });
      await new Promise((resolve) => setTimeout(resolve, spec.handlerMs));
      send({ type: 'end', queue: spec.queue, id: job.id, at: now() });
      return process.pid;
    },
    { ...(spec.workerOptions ?? {}), autostart: false },
  );
  worker.on('error', (err) => send({ type: 'error', name: err?.name, code: err?.code ?? null, message: String(err?.message ?? err), at: now() }));
  return worker;
});

process.on('message', async (m) => {
  if (m?.type === 'go') {
    await Promise.all(workers.map((w) => w.start()));
    send({ type: 'started' });
    return;
  }
  if (m?.type !== 'stop') return;
  await Promise.all(workers.map((w) => w.close({ graceMs: 2_000 })));
  await storage.close();
  send({ type: 'closed' });
  process.exit(0);
});
send({ type: 'ready', leaseMs: Object.fromEntries(workers.map((w) => [w.queue.name, w.leaseMs])) });
