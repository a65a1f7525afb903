/**
 * The SQLite harness of the storage contract: every database is a file in one temp directory
 * under `os.tmpdir()`, removed by `cleanup`.
 *
 * It uses the built package (`dist/`), not the sources: the contract forks plain Node children
 * that reopen a storage from its descriptor, and a descriptor names the module it came from, which
 * must be JavaScript. Build first (`pnpm run build`).
 * @internal
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage, StorageDescriptor } from '@waitline/core';
import type { StorageHarness } from '@waitline/storage-contract';
import Database from 'better-sqlite3';
import { SQLITE_SCHEMA_VERSION, SqliteStorage, type SqliteStorageOptions } from '../dist/index.js';

function pathOf(descriptor: StorageDescriptor): string {
  const { path } = descriptor.options as Partial<SqliteStorageOptions>;
  if (typeof path !== 'string') throw new Error(`not a SQLite descriptor: ${JSON.stringify(descriptor)}`);
  return path;
}

/** Opens the raw file (never creating it) for the harness's own version reads and writes. */
function withRawDatabase<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path, { fileMustExist: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** A better-sqlite3 `Database` constructor: the package's own, or another major version's. */
type Driver = new (path: string) => Database.Database;

/**
 * A harness whose databases live in a fresh temp directory, created on first use. With `driver`,
 * the storages it creates run on the app's own connection (`SqliteStorage.open({ database })`)
 * made by that driver, so the whole contract checks a peer version of better-sqlite3 (processes
 * reopening a descriptor use the package's own).
 */
export function createSqliteHarness(options: { name?: string; driver?: Driver } = {}): StorageHarness {
  let dir: string | null = null;
  let counter = 0;
  let opened: Storage[] = [];
  let connections: Database.Database[] = [];
  const { driver } = options;
  const openNew = async (path: string): Promise<SqliteStorage> => {
    if (!driver) return SqliteStorage.open({ path });
    const database = new driver(path);
    connections.push(database);
    return SqliteStorage.open({ database });
  };

  const newPath = (): string => {
    dir ??= mkdtempSync(join(tmpdir(), 'waitline-sqlite-'));
    counter += 1;
    return join(dir, `db-${counter}.sqlite`);
  };
  const track = (storage: Storage): Storage => {
    opened.push(storage);
    return storage;
  };

  return {
    name: options.name ?? 'sqlite',
    codeSchemaVersion: SQLITE_SCHEMA_VERSION,
    create: async () => track(await openNew(newPath())),
    freshDescriptor: async () => SqliteStorage.descriptor({ path: newPath() }),
    open: async (descriptor, options) =>
      track(await SqliteStorage.fromDescriptor({ ...(descriptor.options as unknown as SqliteStorageOptions), migrate: options?.migrate ?? false })),
    migratingDescriptor: (descriptor) => ({ ...descriptor, options: { ...descriptor.options, migrate: true } }),
    schemaVersion: async (descriptor) => {
      const path = pathOf(descriptor);
      if (!existsSync(path)) return 0;
      return withRawDatabase(path, (db) => db.pragma('user_version', { simple: true }) as number);
    },
    setSchemaVersion: async (descriptor, version) => {
      if (!Number.isInteger(version) || version < 0) throw new Error(`bad schema version ${version}`);
      withRawDatabase(pathOf(descriptor), (db) => db.pragma(`user_version = ${version}`));
    },
    cleanup: async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      opened = [];
      for (const db of connections) db.close();
      connections = [];
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}
