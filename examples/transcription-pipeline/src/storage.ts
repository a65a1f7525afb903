/**
 * Where the demo keeps its queue: `--storage` names it, and this opens (and, for the main demo,
 * empties) it. One changed line moves an app between storages; here it is one flag:
 *
 *   --storage .data/demo.db                         embedded SQLite (the default)
 *   --storage postgres://user@127.0.0.1:5432/test   PostgreSQL, schema "waitline_demo"
 */
import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Storage } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { SqliteStorage } from '@waitline/sqlite';
import pg from 'pg';

/** The schema the demo uses on Postgres: its own, so resetting it touches nothing else. */
export const DEMO_SCHEMA = 'waitline_demo';

/** A parsed `--storage` value. */
export type StorageSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Parses `--storage`: a `postgres://` (or `postgresql://`) URL, else a SQLite file path. */
export function parseStorage(value: string): StorageSpec {
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  return { kind: 'sqlite', path: resolve(value) };
}

/** Says where the jobs live, for the demo's header line. */
export function describeStorage(spec: StorageSpec): string {
  if (spec.kind === 'sqlite') return `SQLite ${spec.path}`;
  const url = new URL(spec.url);
  return `Postgres ${url.host}${url.pathname} (schema "${DEMO_SCHEMA}")`;
}

/** Opens the storage (creating and migrating its tables when missing). */
export function openStorage(spec: StorageSpec): Promise<Storage> {
  if (spec.kind === 'sqlite') return SqliteStorage.open({ path: spec.path });
  return PostgresStorage.open({ connectionString: spec.url, schema: DEMO_SCHEMA });
}

/** Empties the demo's storage before a run: the SQLite file (never a file that is not SQLite) or the demo schema. */
export async function resetStorage(spec: StorageSpec): Promise<void> {
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
