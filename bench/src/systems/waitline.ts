/**
 * Waitline on any of its storages, driven through the public API only: `Queue.add`,
 * `Queue.addBulk`, a `Worker` with its `concurrency` option, the `job:completed` event and
 * `Queue.getPosition`. No payload schema unless `--validate` (plainjob cannot validate). The
 * per-storage files only say how to open the storage on a place.
 */
import { Queue, type Storage, Worker } from '@waitline/core';
import { z } from 'zod';
import type { BenchSystem, Family, JobRef, Payload, Place, SystemOptions, WorkerHandle, WorkerOptions } from './types.js';

const payloadSchema = z.object({ i: z.number() });

export interface WaitlineVariant {
  id: string;
  name: string;
  family: Family;
  /** How the storage is opened, printed first in the notes. */
  openNote: string;
  open(place: Place): Promise<Storage>;
  positionHuge?: number;
  /** Jobs each worker claims ahead of its free slots (the Worker's `prefetch`); default none. */
  prefetch?: number;
}

export function createWaitline(variant: WaitlineVariant, { validate }: SystemOptions): BenchSystem {
  let storage: Storage | undefined;
  let queue: Queue<Payload> | undefined;

  const q = (): Queue<Payload> => {
    if (!queue) throw new Error(`${variant.id}: setup() not called`);
    return queue;
  };

  const system: BenchSystem = {
    id: variant.id,
    name: variant.name,
    family: variant.family,
    bulk: 'native',
    ...(variant.positionHuge ? { positionHuge: variant.positionHuge } : {}),
    notes: [
      `${variant.openNote}; Queue(storage, "bench")`,
      validate ? 'payload schema = zod object' : 'no payload schema',
      'bulk = queue.addBulk; Worker({ concurrency: N }); completion = queue "job:completed" event',
    ],

    async setup(place: Place) {
      storage = await variant.open(place);
      queue = (validate ? new Queue(storage, 'bench', { payload: payloadSchema }) : new Queue(storage, 'bench')) as unknown as Queue<Payload>;
    },

    async addOne(payload: Payload): Promise<JobRef> {
      return (await q().add(payload)).id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const jobs = await q().addBulk(payloads.map((payload) => ({ payload })));
      return jobs.map((j) => j.id);
    },

    async addBulkGrouped(items: Array<{ payload: Payload; group: string }>): Promise<JobRef[]> {
      const jobs = await q().addBulk(items.map(({ payload, group }) => ({ payload, options: { group } })));
      return jobs.map((j) => j.id);
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const queue = q();
      const listener = (): void => onCompleted();
      queue.on('job:completed', listener);
      const worker = new Worker(queue, async () => void (await handler()), { concurrency, prefetch: variant.prefetch ?? 0 });
      return {
        async stop() {
          await worker.close();
          queue.off('job:completed', listener);
        },
      };
    },

    waitlineQueue: () => q(),

    async getPosition(id: JobRef): Promise<number | null> {
      return q().getPosition(String(id));
    },

    async getStatusPosition(id: JobRef): Promise<number | null> {
      const status = await q().getStatus(String(id));
      if (status.eta === null) throw new Error(`job ${String(id)} has a position but no ETA`);
      return status.position;
    },

    async teardown() {
      await storage?.close();
      storage = undefined;
      queue = undefined;
    },
  };
  return system;
}
