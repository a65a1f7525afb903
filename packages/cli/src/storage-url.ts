/**
 * The storage a command talks to, from `--storage` or `WAITLINE_STORAGE`: `sqlite:./jobs.db`,
 * `postgres://user@host:5432/db?schema=waitline`, `redis://:password@host:6379/2?prefix=waitline`.
 * The CLI never migrates unless told (`import --migrate`, `move --migrate`): a database that was
 * never migrated, or was migrated by newer code, is refused with `SCHEMA_VERSION`.
 * @module
 */
import { type Logger, type Storage, ValidationError } from '@waitline/core';

/** A parsed storage location. */
export type StorageSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; schema?: string }
  | { kind: 'redis'; host: string; port: number; password?: string; username?: string; db?: number; prefix?: string };

function refuse(value: string, why: string): never {
  throw new ValidationError(`invalid storage "${value}": ${why}`, [{ path: ['storage'], message: why }]);
}

function parseRedis(value: string, url: URL): StorageSpec {
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) refuse(value, 'the path of a redis:// URL is a database number');
  const prefix = url.searchParams.get('prefix') ?? undefined;
  return {
    kind: 'redis',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(prefix ? { prefix } : {}),
  };
}

/** Parses a storage location; a `ValidationError` at `['storage']` when it is none of the three. */
export function parseStorage(value: string | undefined): StorageSpec {
  if (value === undefined || value.trim() === '') {
    refuse('', 'give --storage (or WAITLINE_STORAGE): sqlite:./jobs.db, postgres://… or redis://…');
  }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') refuse(value, 'sqlite: needs a file path, as in sqlite:./jobs.db');
    return { kind: 'sqlite', path };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(value, 'expected sqlite:PATH, postgres://… or redis://…');
  }
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: url.toString(), ...(schema ? { schema } : {}) };
  }
  if (url.protocol === 'redis:') return parseRedis(value, url);
  return refuse(value, `unknown scheme "${url.protocol}"; expected sqlite:, postgres:// or redis://`);
}

/** Where a spec points, for people: no password. */
export function describeSpec(spec: StorageSpec): string {
  switch (spec.kind) {
    case 'sqlite':
      return `sqlite:${spec.path}`;
    case 'postgres': {
      const url = new URL(spec.connectionString);
      url.password = '';
      return `${url.toString()}${spec.schema ? ` (schema ${spec.schema})` : ''}`;
    }
    case 'redis':
      return `redis://${spec.host}:${spec.port}/${spec.db ?? 0}${spec.prefix ? ` (prefix ${spec.prefix})` : ''}`;
  }
}

/**
 * Opens the storage; the adapter is loaded only when used. It is not migrated unless `migrate` is
 * true (only `import --migrate` and `move --migrate` ask, for a target that is new). With
 * `serverLogger`, a Redis storage checks its server's eviction policy and persistence and tells
 * that logger (`doctor`).
 */
export async function openStorage(spec: StorageSpec, { migrate = false, serverLogger }: { migrate?: boolean; serverLogger?: Logger } = {}): Promise<Storage> {
  switch (spec.kind) {
    case 'sqlite': {
      const { SqliteStorage } = await import('@waitline/sqlite');
      return SqliteStorage.open({ path: spec.path, migrate });
    }
    case 'postgres': {
      const { PostgresStorage } = await import('@waitline/postgres');
      const { kind: _kind, ...options } = spec;
      return PostgresStorage.open({ ...options, migrate, poolSize: 2, applicationName: 'waitline-cli' });
    }
    case 'redis': {
      const { RedisStorage } = await import('@waitline/redis');
      const { kind: _kind, prefix, ...connection } = spec;
      const check = serverLogger ? { checkServer: true, logger: serverLogger } : { checkServer: false };
      return RedisStorage.open({ connection, ...(prefix ? { prefix } : {}), migrate, ...check });
    }
  }
}
