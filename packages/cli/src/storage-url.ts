/**
 * The storage a command talks to, from `--storage` or `WAITLINE_STORAGE`: `sqlite:./jobs.db`,
 * `postgres://user@host:5432/db?schema=waitline`, `redis://:password@host:6379/2?prefix=waitline`
 * (`rediss://` for Redis over TLS, the server's certificate checked against Node's trusted CAs:
 * add a private CA with `NODE_EXTRA_CA_CERTS`).
 * The CLI never migrates unless told (`import --migrate`, `move --migrate`): a database that was
 * never migrated, or was migrated by newer code, is refused with `SCHEMA_VERSION`.
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Logger, type Storage, ValidationError } from '@waitline/core';

/** A parsed storage location. */
export type StorageSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; schema?: string }
  | { kind: 'redis'; host: string; port: number; password?: string; username?: string; db?: number; prefix?: string; tls?: boolean };

/**
 * The location with any password masked, for messages: everything between `://` and the last `@`
 * is user info, whatever it holds (`#`, `/` or `@` in a password make a URL parser stop early).
 */
export function redactLocation(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)@/s, (_m, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return `${scheme}${colon === -1 ? info : `${info.slice(0, colon)}:***`}@`;
  });
}

function refuse(value: string, why: string): never {
  throw new ValidationError(`invalid storage "${redactLocation(value)}": ${why}`, [{ path: ['storage'], message: why }]);
}

/** `decodeURIComponent`, a malformed escape refused at `storage` (the value shown redacted). */
function decoded(value: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return refuse(value, 'a malformed %-escape in the user or password (write % as %25)');
  }
}

function parseRedis(value: string, url: URL): StorageSpec {
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) refuse(value, `the path of a ${url.protocol}// URL is a database number`);
  const prefix = url.searchParams.get('prefix') ?? undefined;
  return {
    kind: 'redis',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.password ? { password: decoded(value, url.password) } : {}),
    ...(url.username ? { username: decoded(value, url.username) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(prefix ? { prefix } : {}),
    ...(url.protocol === 'rediss:' ? { tls: true } : {}),
  };
}

/**
 * True when an `@` comes after the end of the URL's host part (the first '/', '?' or '#' after
 * `//`): a password holding one of those, unescaped, would be read as a path, query or fragment,
 * connect to the wrong host and be shown where a password never is.
 */
function userinfoCut(value: string): boolean {
  const start = value.indexOf('//');
  if (start < 0) return false;
  const rest = value.slice(start + 2);
  const at = rest.lastIndexOf('@');
  const end = rest.search(/[/?#]/);
  return at >= 0 && end >= 0 && at > end;
}

/** Parses a storage location; a `ValidationError` at `['storage']` when it is none of the three. */
export function parseStorage(value: string | undefined): StorageSpec {
  if (value === undefined || value.trim() === '') {
    refuse('', 'give --storage (or WAITLINE_STORAGE): sqlite:./jobs.db, postgres://… or redis://…');
  }
  if (value.startsWith('sqlite:')) {
    const rest = value.slice('sqlite:'.length);
    // sqlite:///abs/path is an absolute path; sqlite://./x.db would read as /./x.db, at the root.
    if (rest.startsWith('//') && !rest.startsWith('///')) refuse(value, 'write sqlite:./jobs.db (relative) or sqlite:///abs/jobs.db');
    const path = rest.replace(/^\/\/(?=\/)/, '');
    if (path === '') refuse(value, 'sqlite: needs a file path, as in sqlite:./jobs.db');
    return { kind: 'sqlite', path };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(value, 'expected sqlite:PATH, postgres://…, redis://… or rediss://…');
  }
  if (userinfoCut(value)) refuse(value, "a '/', '?' or '#' in the user or password ends the host part early: write them as %2F, %3F and %23");
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: url.toString(), ...(schema ? { schema } : {}) };
  }
  if (url.protocol === 'redis:' || url.protocol === 'rediss:') return parseRedis(value, url);
  return refuse(value, `unknown scheme "${url.protocol}"; expected sqlite:, postgres://, redis:// or rediss://`);
}

/** This machine's names: `localhost`, `127.0.0.1` and `::1` reach the same server. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** A host name as it compares: case-folded, every loopback name one. */
function hostKey(host: string): string {
  const h = host.toLowerCase();
  return LOOPBACK.has(h) ? 'loopback' : h;
}

/**
 * True when two specs name the same storage: one SQLite file (paths resolved), or one Postgres
 * database and schema, or one Redis database and prefix, whatever the spelling (the loopback
 * names of the host included).
 */
export function sameStorage(a: StorageSpec, b: StorageSpec): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return resolve(a.path) === resolve(b.path);
  if (a.kind === 'postgres' && b.kind === 'postgres') {
    const [x, y] = [new URL(a.connectionString), new URL(b.connectionString)];
    const where = (u: URL) => `${hostKey(u.hostname)}:${u.port || '5432'}${u.pathname}`;
    return where(x) === where(y) && (a.schema ?? 'waitline') === (b.schema ?? 'waitline');
  }
  if (a.kind === 'redis' && b.kind === 'redis')
    return hostKey(a.host) === hostKey(b.host) && a.port === b.port && (a.db ?? 0) === (b.db ?? 0) && (a.prefix ?? 'waitline') === (b.prefix ?? 'waitline');
  return false;
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
      return `${spec.tls ? 'rediss' : 'redis'}://${spec.host}:${spec.port}/${spec.db ?? 0}${spec.prefix ? ` (prefix ${spec.prefix})` : ''}`;
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
      // Opening a missing file creates it: a mistyped path would leave an empty database behind.
      if (!migrate && !existsSync(spec.path))
        refuse(`sqlite:${spec.path}`, 'no such file (a new database is created only by import --migrate or move --migrate)');
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
      const { kind: _kind, prefix, tls, ...server } = spec;
      // tls: {}: Node checks the certificate against the URL's host and its trusted CAs.
      const connection = tls ? { ...server, tls: {} } : server;
      const check = serverLogger ? { checkServer: true, logger: serverLogger } : { checkServer: false };
      return RedisStorage.open({ connection, ...(prefix ? { prefix } : {}), migrate, ...check });
    }
  }
}
