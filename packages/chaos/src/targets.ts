/**
 * The storages a chaos scenario runs on, each isolated: SQLite files in a temp directory, a
 * schema per storage on a private Postgres, a key prefix per storage on a private redis-server.
 * A target also counts what a storage holds (jobs, queues, workers), to prove a rejected call
 * wrote nothing.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage, StorageDescriptor } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { SqliteStorage } from '@waitline/sqlite';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { PrivatePostgres, PrivateRedis } from './servers.js';

/** Which storage. */
export type TargetName = 'sqlite' | 'postgres' | 'redis';

/** A storage kind with its (private) server. */
export interface Target {
  name: TargetName;
  /** A fresh, migrated, empty storage. */
  fresh(): Promise<Storage>;
  /** How many rows (SQLite, Postgres) or keys (Redis) the storage holds. */
  count(storage: Storage): Promise<number>;
  /** The private server, for scenarios that stop and start it; null for SQLite. */
  server: PrivatePostgres | PrivateRedis | null;
  /** Closes every storage opened here and removes the files, schemas, servers. */
  destroy(): Promise<void>;
}

const TABLES = ['jobs', 'queues', 'workers'];

function tracked(): { add(s: Storage): Storage; closeAll(): Promise<void> } {
  let opened: Storage[] = [];
  return {
    add: (s) => {
      opened.push(s);
      return s;
    },
    closeAll: async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      opened = [];
    },
  };
}

function optionOf<T>(descriptor: StorageDescriptor, key: string): T {
  return (descriptor.options as Record<string, T>)[key] as T;
}

/** SQLite files in one temp directory. */
export function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-chaos-sqlite-'));
  const opened = tracked();
  const readers = new Map<string, Database.Database>();
  let n = 0;
  return {
    name: 'sqlite',
    server: null,
    fresh: async () => opened.add(await SqliteStorage.open({ path: join(dir, `db-${++n}.sqlite`) })),
    count: async (storage) => {
      const path = optionOf<string>(storage.describe(), 'path');
      let db = readers.get(path);
      if (!db) readers.set(path, (db = new Database(path, { readonly: true, fileMustExist: true })));
      const reader = db;
      return TABLES.reduce((sum, t) => sum + (reader.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0);
    },
    destroy: async () => {
      for (const db of readers.values()) db.close();
      await opened.closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A schema per storage on a private Postgres cluster. */
export async function postgresTarget(options: { settleCommit?: 'sync' | 'async' } = {}): Promise<Target> {
  const server = await PrivatePostgres.create();
  const opened = tracked();
  let client: pg.Client | null = null;
  return {
    name: 'postgres',
    server,
    fresh: async () => opened.add(await PostgresStorage.open({ connectionString: server.url, schema: `chaos_${randomBytes(5).toString('hex')}`, ...options })),
    count: async (storage) => {
      const schema = optionOf<string>(storage.describe(), 'schema');
      if (!client) {
        client = new pg.Client({ connectionString: server.url });
        client.on('error', () => undefined);
        await client.connect();
      }
      const sql = TABLES.map((t) => `(SELECT count(*) FROM "${schema}".${t})`).join(' + ');
      return Number((await client.query(`SELECT ${sql} AS n`)).rows[0].n);
    },
    destroy: async () => {
      await client?.end().catch(() => undefined);
      await opened.closeAll();
      await server.destroy();
    },
  };
}

/** A key prefix per storage on a private redis-server (`aof`: every write fsynced to an append-only file). */
export async function redisTarget(options: { aof: boolean } = { aof: true }): Promise<Target> {
  const server = await PrivateRedis.create(options);
  const opened = tracked();
  let client: Redis | null = null;
  return {
    name: 'redis',
    server,
    fresh: async () => opened.add(await RedisStorage.open({ connection: server.connection, prefix: `chaos-${randomBytes(5).toString('hex')}` })),
    count: async (storage) => {
      const prefix = optionOf<string>(storage.describe(), 'prefix');
      client ??= new Redis(server.connection);
      let keys = 0;
      for (const match of [`${prefix}:*`, `{${prefix}:*`]) {
        let cursor = '0';
        do {
          const [next, found] = await client.scan(cursor, 'MATCH', match, 'COUNT', 5000);
          cursor = next;
          keys += found.length;
        } while (cursor !== '0');
      }
      return keys;
    },
    destroy: async () => {
      client?.disconnect();
      await opened.closeAll();
      await server.destroy();
    },
  };
}

/** Every target, created in turn. */
export async function allTargets(): Promise<Target[]> {
  return [sqliteTarget(), await postgresTarget(), await redisTarget({ aof: true })];
}
