/**
 * The storages the CLI tests run on, each with the URL the CLI takes for it: SQLite (a temp file),
 * Postgres (a fresh schema of the test database), Redis (a fresh key prefix). A server that does
 * not answer skips its storage loudly locally and fails under `CI=true`.
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

const PG_URL = process.env.WAITLINE_PG_URL ?? `postgres://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@127.0.0.1:5432/test`;
const REDIS = { host: '127.0.0.1', port: 6379 };

/** A fresh, migrated storage, the URL the CLI opens it by, and how to remove it. */
export interface CliStorage {
  storage: Storage;
  url: string;
  cleanup(): Promise<void>;
}

/** One kind of storage. */
export interface StorageKind {
  name: 'sqlite' | 'postgres' | 'redis';
  open(): Promise<CliStorage>;
}

async function reachable(kind: 'postgres' | 'redis'): Promise<boolean> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
    return client.connect().then(
      () => client.end().then(() => true),
      () => false,
    );
  }
  const client = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const KINDS: StorageKind[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'wl-cli-'));
      const path = join(dir, 'jobs.db');
      const storage = await SqliteStorage.open({ path });
      return { storage, url: `sqlite:${path}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = `wl_cli_${randomBytes(5).toString('hex')}`;
      const storage = await PostgresStorage.open({ connectionString: PG_URL, schema });
      const cleanup = async (): Promise<void> => {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      };
      return { storage, url: `${PG_URL}?schema=${schema}`, cleanup };
    },
  },
  {
    name: 'redis',
    async open() {
      const prefix = `wlcli${randomBytes(5).toString('hex')}`;
      const storage = await RedisStorage.open({ connection: REDIS, prefix, checkServer: false });
      const cleanup = async (): Promise<void> => {
        const client = new Redis(REDIS);
        const keys = await client.keys(`${prefix}*`);
        if (keys.length) await client.del(...keys);
        client.disconnect();
      };
      return { storage, url: `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}`, cleanup };
    },
  },
];

/** Every storage whose server answers; all three under `CI=true` (a missing server then fails). */
export async function cliStorages(): Promise<StorageKind[]> {
  const ci = process.env.CI === 'true';
  const out: StorageKind[] = [];
  for (const kind of KINDS) {
    if (kind.name === 'sqlite' || ci || (await reachable(kind.name))) out.push(kind);
    else console.warn(`\n!!!!! ${kind.name} is not reachable: SKIPPING the CLI tests on it (a failure under CI=true)\n`);
  }
  return out;
}
