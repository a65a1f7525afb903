/**
 * Where the demo keeps its queue: `--storage` names it, and this opens (and, for the main demo,
 * empties) it. One changed line moves an app between storages; here it is one flag:
 *
 *   --storage .data/demo.db                         embedded SQLite (the default)
 *   --storage postgres://user@127.0.0.1:5432/test   PostgreSQL, schema "waitline_demo"
 *   --storage redis://127.0.0.1:6379                Redis, keys under the prefix "waitline_demo"
 */
import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Storage, StorageUnavailableError } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { SqliteStorage } from '@waitline/sqlite';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';

/** The schema (Postgres) or key prefix (Redis) the demo uses: its own, so resetting it touches nothing else. */
export const DEMO_SCHEMA = 'waitline_demo';

/** A parsed `--storage` value. */
export type StorageSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string } | { kind: 'redis'; url: string };

/** Parses `--storage`: a `postgres://` (or `postgresql://`) or `redis://` URL, else a SQLite file path. */
export function parseStorage(value: string): StorageSpec {
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (/^rediss?:\/\//.test(value)) return { kind: 'redis', url: value };
  return { kind: 'sqlite', path: resolve(value) };
}

/** ioredis options from a `redis://[user:password@]host[:port][/db]` URL (plain data, so workers can reopen it). */
function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const options: RedisOptions = { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.pathname.length > 1) options.db = Number(u.pathname.slice(1));
  if (u.protocol === 'rediss:') options.tls = {};
  return options;
}

/** Says where the jobs live, for the demo's header line. */
export function describeStorage(spec: StorageSpec): string {
  if (spec.kind === 'sqlite') return `SQLite ${spec.path}`;
  const url = new URL(spec.url);
  if (spec.kind === 'redis') return `Redis ${url.host} (prefix "${DEMO_SCHEMA}")`;
  return `Postgres ${url.host}${url.pathname} (schema "${DEMO_SCHEMA}")`;
}

/** Opens the storage (creating and migrating its tables when missing). */
export function openStorage(spec: StorageSpec): Promise<Storage> {
  if (spec.kind === 'sqlite') return SqliteStorage.open({ path: spec.path });
  if (spec.kind === 'redis') return RedisStorage.open({ connection: redisOptions(spec.url), prefix: DEMO_SCHEMA });
  return PostgresStorage.open({ connectionString: spec.url, schema: DEMO_SCHEMA });
}

/** Deletes the demo's keys: those under its prefix and those of its queues' hash tags. */
async function resetRedis(url: string): Promise<void> {
  // Fails at once on a server that is not there (the storage's own open would say the same), instead
  // of ioredis's default: retrying for over a minute and printing every reconnect's error.
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    for (const pattern of [`${DEMO_SCHEMA}:*`, `{${DEMO_SCHEMA}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
    }
  } catch (err) {
    throw new StorageUnavailableError(`Redis at ${url} cannot be reached to empty the demo's keys: ${(err as Error).message}`, { cause: err });
  } finally {
    client.disconnect();
  }
}

/** Empties the demo's storage before a run: the SQLite file (never a file that is not SQLite), the demo schema or keys. */
export async function resetStorage(spec: StorageSpec): Promise<void> {
  if (spec.kind === 'redis') return resetRedis(spec.url);
  if (spec.kind === 'postgres') {
    const client = new pg.Client({ connectionString: spec.url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${DEMO_SCHEMA}" CASCADE`);
    } finally {
      await client.end();
    }
    return;
  }
  const handle = await open(spec.path, 'r').catch(() => null);
  if (handle) {
    const head = Buffer.alloc(16);
    await handle.read(head, 0, 16, 0);
    await handle.close();
    if (head.toString('latin1') !== 'SQLite format 3\0' && head.some((b) => b !== 0)) {
      throw new Error(`${spec.path} exists and is not a SQLite database; refusing to delete it`);
    }
  }
  for (const suffix of ['', '-wal', '-shm']) await rm(spec.path + suffix, { force: true });
}
