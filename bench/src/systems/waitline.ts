/**
 * Waitline on its SQLite storage, driven through the public API only: `Queue.add`,
 * `Queue.addBulk`, a `Worker` with its `concurrency` option, the `job:completed` event and
 * `Queue.getPosition`. No payload schema unless `--validate` (plainjob cannot validate).
 */
import { Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { z } from 'zod';
import type { BenchSystem, JobRef, Payload, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const payloadSchema = z.object({ i: z.number() });

export const createWaitlineSqlite: SystemFactory = ({ validate }) => {
  let storage: SqliteStorage | undefined;
  let queue: Queue<Payload> | undefined;

  const q = (): Queue<Payload> => {
    if (!queue) throw new Error('waitline: setup() not called');
    return queue;
  };

  const system: BenchSystem = {
    id: 'waitline',
    name: 'Waitline-SQLite',
    bulk: 'native',
    notes: [
      'SqliteStorage.open({ path }) with its defaults; Queue(storage, "bench")',
      validate ? 'payload schema = zod object' : 'no payload schema',
      'bulk = queue.addBulk; Worker({ concurrency: N }); completion = queue "job:completed" event',
    ],

    async setup(dbPath: string) {
      storage = await SqliteStorage.open({ path: dbPath });
      queue = (validate
        ? new Queue(storage, 'bench', { payload: payloadSchema })
        : new Queue(storage, 'bench')) as unknown as Queue<Payload>;
    },

    async addOne(payload: Payload): Promise<JobRef> {
      return (await q().add(payload)).id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const jobs = await q().addBulk(payloads.map((payload) => ({ payload })));
      return jobs.map((j) => j.id);
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const queue = q();
      const listener = (): void => onCompleted();
      queue.on('job:completed', listener);
      const worker = new Worker(queue, async () => void (await handler()), { concurrency });
      return {
        async stop() {
          await worker.close();
          queue.off('job:completed', listener);
        },
      };
    },

    async getPosition(id: JobRef): Promise<number | null> {
      return q().getPosition(String(id));
    },

    async teardown() {
      await storage?.close();
      storage = undefined;
      queue = undefined;
    },
  };
  return system;
};
