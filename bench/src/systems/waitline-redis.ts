/**
 * Waitline-Redis: `RedisStorage.open({ connection: { host, port }, prefix })` on a fresh key
 * prefix (every key under it deleted afterwards), then exactly what Waitline-SQLite does (also
 * with `prefetch`). Its position lookup is also measured at 100·n (1,000,000) waiting jobs. The package is imported at
 * run time: until `@waitline/redis` exists (and is a bench dependency) this system is skipped.
 */
import type { Storage } from '@waitline/core';
import { placeOf } from '../places.js';
import type { SystemFactory } from './types.js';
import { createWaitline } from './waitline.js';

/** The part of `@waitline/redis` the bench uses. */
interface RedisModule {
  RedisStorage: { open(opts: { connection: { host: string; port: number }; prefix: string }): Promise<Storage> };
}

const SPECIFIER = '@waitline/redis';

export async function loadRedisModule(): Promise<RedisModule> {
  const mod = (await import(SPECIFIER)) as Partial<RedisModule>;
  if (typeof mod.RedisStorage?.open !== 'function') throw new Error(`${SPECIFIER} has no RedisStorage.open`);
  return mod as RedisModule;
}

/** The defaults row, or with `prefetch` the row of a worker holding that many jobs ahead. */
export const createWaitlineRedis =
  (mod: RedisModule, prefetch?: number): SystemFactory =>
  (opts) =>
    createWaitline(
      {
        id: prefetch ? 'waitline-redis-prefetch' : 'waitline-redis',
        name: prefetch ? `Waitline-Redis (prefetch ${prefetch})` : 'Waitline-Redis',
        family: 'redis',
        ...(prefetch ? { prefetch } : {}),
        openNote:
          'RedisStorage.open({ connection: { host, port }, prefix }) with its defaults' +
          (prefetch ? `; Worker({ concurrency, prefetch: ${prefetch} }): each worker holds ${prefetch} jobs ahead of its free slots` : ''),
        positionHuge: 100,
        open: (place) => {
          const { host, port, prefix } = placeOf(place, 'redis');
          return mod.RedisStorage.open({ connection: { host, port }, prefix });
        },
      },
      opts,
    );
