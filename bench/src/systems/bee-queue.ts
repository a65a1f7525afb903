/**
 * bee-queue 2.0.0 with the settings its README gives for speed and memory: a producer queue with
 * `isWorker: false, getEvents: false`, and a worker queue with `getEvents: false, sendEvents:
 * false, storeJobs: false, removeOnSuccess: true`; `createJob(data).save()`, bulk = `saveAll`
 * (pipelined), `process(N, handler)` for concurrency N. Completion = the worker queue's local
 * `succeeded` event, emitted once its finishing MULTI has been executed. No position API.
 */
import BeeQueue from 'bee-queue';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const QUEUE = 'bench';

type Settings = BeeQueue.QueueSettings;

export const createBeeQueue: SystemFactory = () => {
  let producer: BeeQueue<Payload> | undefined;
  let base: Settings | undefined;

  const q = (): BeeQueue<Payload> => {
    if (!producer) throw new Error('bee-queue: setup() not called');
    return producer;
  };

  const system: BenchSystem = {
    id: 'bee-queue',
    name: 'bee-queue 2.0.0',
    family: 'redis',
    bulk: 'native',
    notes: [
      'producer Queue { redis: { host, port }, prefix, isWorker: false, getEvents: false }; createJob(data).save(); bulk = saveAll',
      'worker Queue { getEvents: false, sendEvents: false, storeJobs: false, removeOnSuccess: true }; process(N, handler)',
      'completion = worker queue "succeeded" event (after its finishing MULTI)',
    ],

    async setup(place: Place) {
      const { host, port, prefix } = placeOf(place, 'redis');
      base = { redis: { host, port }, prefix };
      producer = new BeeQueue<Payload>(QUEUE, { ...base, isWorker: false, getEvents: false });
      await producer.ready();
    },

    async addOne(payload: Payload): Promise<JobRef> {
      const job = await q().createJob(payload).save();
      return job.id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const jobs = payloads.map((p) => q().createJob(p));
      const errors = await q().saveAll(jobs);
      if (errors.size > 0) throw new Error(`bee-queue: saveAll failed for ${errors.size} jobs`);
      return jobs.map((j) => j.id);
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const worker = new BeeQueue<Payload>(QUEUE, {
        ...base,
        getEvents: false,
        sendEvents: false,
        storeJobs: false,
        removeOnSuccess: true,
      });
      worker.on('succeeded', () => onCompleted());
      worker.on('error', () => {});
      await worker.ready();
      worker.process(concurrency, async () => void (await handler()));
      return {
        async stop() {
          await worker.close(5000);
        },
      };
    },

    async teardown() {
      await producer?.close();
      producer = undefined;
      base = undefined;
    },
  };
  return system;
};
