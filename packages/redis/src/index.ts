/**
 * `@waitline/redis`: the Waitline storage on Redis (ioredis), for many workers on many hosts.
 *
 * ```ts
 * const storage = await RedisStorage.open({ connection: { host: '127.0.0.1', port: 6379 } });
 * ```
 * @packageDocumentation
 */
export { RedisStorage } from './redis-storage.js';
export type { RedisClient, RedisClusterConnection, RedisConnection, RedisLogger, RedisStorageOptions } from './connection.js';
export { REDIS_SCHEMA_VERSION } from './migrate.js';
