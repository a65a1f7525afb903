/**
 * The Redis floor: plain ioredis doing the minimal commands a queue needs, one job at a time:
 * add = one MULTI (HSET the job hash, LPUSH its id on the wait list; ids made client-side);
 * claim = BLMOVE wait → active (blocking, one connection per loop, so an idle loop wakes at
 * once) and HGET the payload; complete = one MULTI (LREM from active, DEL the hash). Bulk = one
 * MULTI per chunk. No retries, leases, events or positions: the cost of the commands, not a peer.
 */
import { Redis } from 'ioredis';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

export const createRawRedis: SystemFactory = () => {
  let redis: Redis | undefined;
  let keys = { wait: '', active: '', job: (_id: string) => '' };
  let nextId = 0;

  const r = (): Redis => {
    if (!redis) throw new Error('raw redis: setup() not called');
    return redis;
  };
  const add = (m: ReturnType<Redis['multi']>, payload: Payload): string => {
    const id = String(++nextId);
    m.hset(keys.job(id), 'payload', JSON.stringify(payload)).lpush(keys.wait, id);
    return id;
  };

  const system: BenchSystem = {
    id: 'raw-redis',
    name: 'raw ioredis',
    family: 'redis',
    bulk: 'native',
    notes: [
      'add = MULTI { HSET job payload; LPUSH wait id } (client-side ids); bulk = one MULTI per chunk',
      'claim = BLMOVE wait active RIGHT LEFT (one blocking connection per loop) + HGET payload; complete = MULTI { LREM active; DEL job }',
    ],

    async setup(place: Place) {
      const { url, prefix } = placeOf(place, 'redis');
      redis = new Redis(url);
      keys = { wait: `${prefix}:wait`, active: `${prefix}:active`, job: (id) => `${prefix}:job:${id}` };
      nextId = 0;
      await redis.ping();
    },

    async addOne(payload: Payload): Promise<JobRef> {
      const m = r().multi();
      const id = add(m, payload);
      await m.exec();
      return id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const m = r().multi();
      const ids = payloads.map((p) => add(m, p));
      await m.exec();
      return ids;
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      let running = true;
      const conns = Array.from({ length: concurrency }, () => r().duplicate());
      const loop = async (conn: Redis): Promise<void> => {
        while (running) {
          const id = await conn.blmove(keys.wait, keys.active, 'RIGHT', 'LEFT', 0.05);
          if (!id) continue;
          JSON.parse((await r().hget(keys.job(id), 'payload')) ?? 'null');
          await handler();
          await r().multi().lrem(keys.active, 1, id).del(keys.job(id)).exec();
          onCompleted();
        }
      };
      const loops = conns.map(loop);
      return {
        async stop() {
          running = false;
          await Promise.all(loops);
          for (const c of conns) c.disconnect();
        },
      };
    },

    async teardown() {
      redis?.disconnect();
      redis = undefined;
    },
  };
  return system;
};
