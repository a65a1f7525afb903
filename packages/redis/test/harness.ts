/**
 * The Redis harness of the storage contract: every storage gets its own key prefix under one
 * random base per test file, and `cleanup` deletes every key under that base (on every master of
 * a cluster).
 *
 * It uses the built package (`dist/`), not the sources: the contract forks plain Node children
 * that reopen a storage from its descriptor, and a descriptor names the module it came from, which
 * must be JavaScript. Build first (`pnpm run build`).
 * @internal
 */
import { randomBytes } from 'node:crypto';
import type { Storage, StorageDescriptor } from '@waitline/core';
import type { StorageHarness } from '@waitline/storage-contract';
import { Cluster, Redis } from 'ioredis';
import { REDIS_SCHEMA_VERSION, type RedisConnection, RedisStorage, type RedisStorageOptions } from '../dist/index.js';

/** A raw client on the same server or cluster as `connection`, for the harness's own reads. */
export function rawClient(connection: RedisConnection): Redis | Cluster {
  const c = connection as { cluster?: Array<{ host: string; port: number }> };
  return c.cluster ? new Cluster(c.cluster) : new Redis(connection as object);
}

/** Deletes every key matching `patterns`, on each master when clustered. */
export async function deleteKeys(client: Redis | Cluster, patterns: string[]): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    for (const match of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) deleted += await node.del(key);
      } while (cursor !== '0');
    }
  }
  return deleted;
}

function prefixOf(descriptor: StorageDescriptor): string {
  const { prefix } = descriptor.options as Partial<RedisStorageOptions>;
  if (typeof prefix !== 'string') throw new Error(`not a Redis descriptor: ${JSON.stringify(descriptor)}`);
  return prefix;
}

/** A harness whose storages share `connection`, each under its own prefix. */
export function createRedisHarness(name: string, connection: RedisConnection): StorageHarness {
  const base = `wl-test-${randomBytes(4).toString('hex')}`;
  let counter = 0;
  let opened: Storage[] = [];
  let raw: Redis | Cluster | null = null;
  const client = () => (raw ??= rawClient(connection));
  const newPrefix = () => `${base}-${++counter}`;
  const track = (storage: Storage): Storage => {
    opened.push(storage);
    return storage;
  };

  return {
    name,
    codeSchemaVersion: REDIS_SCHEMA_VERSION,
    create: async () => track(await RedisStorage.open({ connection, prefix: newPrefix() })),
    freshDescriptor: async () => RedisStorage.descriptor({ connection, prefix: newPrefix() }),
    open: async (descriptor, options) =>
      track(await RedisStorage.fromDescriptor({ ...(descriptor.options as RedisStorageOptions), migrate: options?.migrate ?? false })),
    migratingDescriptor: (descriptor) => ({ ...descriptor, options: { ...descriptor.options, migrate: true } }),
    schemaVersion: async (descriptor) => Number((await client().hget(`${prefixOf(descriptor)}:meta`, 'schema')) ?? 0),
    setSchemaVersion: async (descriptor, version) => {
      await client().hset(`${prefixOf(descriptor)}:meta`, 'schema', String(version));
    },
    cleanup: async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      opened = [];
      const c = client();
      raw = null;
      try {
        await deleteKeys(c, [`${base}-*`, `{${base}-*`]);
      } finally {
        await c.quit();
      }
    },
  };
}
