/**
 * Waitline-Redis: `RedisStorage.open({ connection: { host, port }, prefix })` on a fresh key
 * prefix (every key under it deleted afterwards), then exactly what Waitline-SQLite does. Its
 * position lookup is also measured at 100·n (1,000,000) waiting jobs. The package is imported at
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

export const createWaitlineRedis =
  (mod: RedisModule): SystemFactory =>
  (opts) =>
    createWaitline(
      {
        id: 'waitline-redis',
        name: 'Waitline-Redis',
        family: 'redis',
        openNote: 'RedisStorage.open({ connection: { host, port }, prefix }) with its defaults',
        positionHuge: 100,
        open: (place) => {
          const { host, port, prefix } = placeOf(place, 'redis');
          return mod.RedisStorage.open({ connection: { host, port }, prefix });
        },
      },
      opts,
    );
