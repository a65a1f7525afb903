/**
 * The storages the HTTP and CLI tests run on: SQLite (a temp file), Postgres (a fresh schema of the test
 * database) and Redis (a fresh key prefix), each removed afterwards. A server that does not answer
 * skips its storage with a loud warning locally and fails under `CI=true`.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { SqliteStorage } from '@waitline/sqlite';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The Postgres test database. */
export const PG_URL = process.env.WAITLINE_PG_URL ?? `postgres://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@127.0.0.1:5432/test`;
const REDIS = { host: '127.0.0.1', port: 6379 };

/** A fresh, empty, migrated storage, the URL the `waitline` CLI opens it by, and its removal. */
export interface OpenedStorage {
  storage: Storage;
  /** `sqlite:PATH`, `postgres://…?schema=…` or `redis://…?prefix=…`. */
  url: string;
  /** Closes the storage and removes its database. */
  cleanup(): Promise<void>;
}

/** One kind of storage the tests run on. */
export interface TestStorage {
  name: 'sqlite' | 'postgres' | 'redis';
  /** Opens a fresh, empty, migrated storage. */
  open(): Promise<OpenedStorage>;
}

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisReachable(): Promise<boolean> {
  const client = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const sqlite: TestStorage = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'wl-http-'));
    const path = join(dir, 'jobs.db');
    const storage = await SqliteStorage.open({ path });
    const cleanup = async (): Promise<void> => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { storage, url: `sqlite:${path}`, cleanup };
  },
};

const postgres: TestStorage = {
  name: 'postgres',
  async open() {
    const schema = `wl_http_${randomBytes(5).toString('hex')}`;
    const storage = await PostgresStorage.open({ connectionString: PG_URL, schema });
    return {
      storage,
      url: `${PG_URL}?schema=${schema}`,
      async cleanup() {
        await storage.close();
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      },
    };
  },
};

const redis: TestStorage = {
  name: 'redis',
  async open() {
    const prefix = `wlhttp${randomBytes(5).toString('hex')}`;
    const storage = await RedisStorage.open({ connection: REDIS, prefix });
    return {
      storage,
      url: `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}`,
      async cleanup() {
        await storage.close();
        const client = new Redis(REDIS);
        try {
          // Queue keys carry the hash tag `{prefix:queue}`, so they start with `{`.
          for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
            const keys = await client.keys(pattern);
            if (keys.length) await client.del(...keys);
          }
        } finally {
          client.disconnect();
        }
      },
    };
  },
};

/**
 * The storages to run on: every one whose server answers; under `CI=true` all three (a missing
 * server then fails its tests). A skipped storage is announced on stderr.
 */
export async function testStorages(): Promise<TestStorage[]> {
  const ci = process.env.CI === 'true';
  const out: TestStorage[] = [sqlite];
  if (ci || (await pgReachable())) out.push(postgres);
  else console.warn(`\n!!!!! Postgres is not reachable at ${PG_URL}: SKIPPING the HTTP tests on Postgres (a failure under CI=true)\n`);
  if (ci || (await redisReachable())) out.push(redis);
  else console.warn('\n!!!!! Redis is not reachable at 127.0.0.1:6379: SKIPPING the HTTP tests on Redis (a failure under CI=true)\n');
  return out;
}

/** A client of the Postgres test database, connected; the caller ends it. */
export async function pgClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  return client;
}
