/**
 * BullMQ 6.7.0 with its defaults, driven as its docs show: `new Queue(name, { connection,
 * prefix })`, `queue.add`, bulk = `queue.addBulk` (one MULTI per chunk), `new Worker(name,
 * processor, { connection, prefix, concurrency: N })`, completion = the worker's `completed`
 * event (emitted after the job is moved to completed in Redis).
 *
 * Position: BullMQ has no position API; its maintainers say the only way is to traverse the wait
 * list (OptimalBits/bull#1487), and the answer given in OptimalBits/bull#1388 is `getWaiting()`
 * and a scan for the id. `getWaiting()` is `getJobs(['waiting'])`, which reads the ids with
 * `getRanges` and then every job's hash; the bench calls `getRanges(['waiting'], 0, -1, true)`
 * and `indexOf` (the same list walk without the hashes, so the cheaper form of that answer).
 */
import { Queue, Worker } from 'bullmq';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const QUEUE = 'bench';

export const createBullmq: SystemFactory = () => {
  let queue: Queue<Payload> | undefined;
  let conn: { connection: { host: string; port: number }; prefix: string } | undefined;

  const q = (): Queue<Payload> => {
    if (!queue) throw new Error('bullmq: setup() not called');
    return queue;
  };

  const system: BenchSystem = {
    id: 'bullmq',
    name: 'BullMQ 6.7.0',
    family: 'redis',
    bulk: 'native',
    notes: [
      'Queue / Worker with { connection: { host, port }, prefix } and otherwise defaults (completed jobs kept, as by default)',
      'bulk = queue.addBulk; Worker({ concurrency: N }); completion = worker "completed" event',
      "position (no API): getRanges(['waiting'], 0, -1, true) then indexOf(id) — the ids-only form of getWaiting()-and-scan (bull#1388)",
    ],

    async setup(place: Place) {
      const { host, port, prefix } = placeOf(place, 'redis');
      conn = { connection: { host, port }, prefix };
      queue = new Queue<Payload>(QUEUE, conn);
      await queue.waitUntilReady();
    },

    async addOne(payload: Payload): Promise<JobRef> {
      return (await q().add('job', payload)).id as string;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const jobs = await q().addBulk(payloads.map((data) => ({ name: 'job', data })));
      return jobs.map((j) => j.id as string);
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      if (!conn) throw new Error('bullmq: setup() not called');
      const worker = new Worker<Payload>(QUEUE, async () => void (await handler()), { ...conn, concurrency });
      worker.on('completed', () => onCompleted());
      worker.on('error', () => {});
      await worker.waitUntilReady();
      return {
        async stop() {
          await worker.close();
        },
      };
    },

    async getPosition(id: JobRef): Promise<number | null> {
      const ids = await q().getRanges(['waiting'], 0, -1, true);
      const k = ids.indexOf(String(id));
      return k < 0 ? null : k;
    },

    async teardown() {
      await queue?.close();
      queue = undefined;
      conn = undefined;
    },
  };
  return system;
};
