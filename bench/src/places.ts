/**
 * Storage families and the fresh, isolated "place" each measurement runs in: a temp SQLite file,
 * a Postgres schema (named by the runner, created by the system, dropped afterwards), or a Redis
 * key prefix (every key under it, or under `{prefix`, deleted afterwards). Also: is a family's server reachable?
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

export const FAMILIES = ['sqlite', 'postgres', 'redis'] as const;
export type Family = (typeof FAMILIES)[number];

export const FAMILY_TITLES: Record<Family, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', redis: 'Redis' };

export type Place =
  | { family: 'sqlite'; path: string }
  | {
      family: 'postgres';
      /** Carries `application_name=<schema>`, so the runner can count this place's connections. */
      connectionString: string;
      schema: string;
    }
  | { family: 'redis'; url: string; host: string; port: number; prefix: string };

export interface Servers {
  pgUrl: string;
  redisUrl: string;
}

/** Every schema and key prefix the bench makes starts with this. */
export const PLACE_PREFIX = 'wlb_';

export function placeOf<F extends Family>(place: Place, family: F): Extract<Place, { family: F }> {
  if (place.family !== family) throw new Error(`expected a ${family} place, got ${place.family}`);
  return place as Extract<Place, { family: F }>;
}

/** Connection string with `application_name` set (connection-string parameters win in pg). */
export function withAppName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withAppName(url, 'wlb-runner'), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function withRedis<T>(url: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let lastError: unknown;
  r.on('error', (e) => {
    lastError = e;
  });
  await r.connect().catch((e: unknown) => {
    throw lastError ?? e;
  });
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Drops every schema whose name starts with `prefix`. */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
  await withPg(url, async (c) => {
    const like = `${prefix.replace(/_/g, '\\_')}%`;
    const { rows } = await c.query<{ n: string }>('SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1', [like]);
    for (const { n } of rows) await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(n)} CASCADE`);
  });
}

/**
 * Deletes every key that starts with `prefix`, or with `{prefix` (cluster hash tags such as
 * Waitline-Redis's `{prefix:queue}`), by SCAN + UNLINK.
 */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  return withRedis(url, async (r) => {
    let deleted = 0;
    for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
        cursor = next;
        if (keys.length) deleted += await r.unlink(...keys);
      } while (cursor !== '0');
    }
    return deleted;
  });
}

/** A source of fresh places for one child process; `remove` cleans up every place it handed out. */
export function placeFactory(family: Family, servers: Servers, tag: string): { next: (kind: 'warm' | 'measure') => Place; remove: () => Promise<void> } {
  let k = 0;
  const base = `${PLACE_PREFIX}${tag}`;
  if (family === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-'));
    return {
      next: () => ({ family, path: join(dir, `db-${k++}.sqlite`) }),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (family === 'postgres') {
    return {
      next: (kind) => {
        const schema = `${base}_${kind === 'warm' ? 'w' : 'm'}${k++}`;
        return { family, schema, connectionString: withAppName(servers.pgUrl, schema) };
      },
      remove: () => dropSchemas(servers.pgUrl, `${base}_`),
    };
  }
  const u = new URL(servers.redisUrl);
  return {
    next: (kind) => ({
      family,
      url: servers.redisUrl,
      host: u.hostname,
      port: Number(u.port || 6379),
      prefix: `${base}-${kind === 'warm' ? 'w' : 'm'}${k++}`,
    }),
    remove: async () => void (await deleteKeys(servers.redisUrl, `${base}-`)),
  };
}

/** Null when the family's server answers, else why not. */
export async function unreachable(family: Family, servers: Servers): Promise<string | null> {
  try {
    if (family === 'postgres') await withPg(servers.pgUrl, (c) => c.query('SELECT 1'));
    if (family === 'redis') await withRedis(servers.redisUrl, (r) => r.ping());
    return null;
  } catch (e) {
    return e instanceof Error ? e.message || e.constructor.name : String(e);
  }
}

/** Server version string, for the report header. */
export async function serverVersion(family: Family, servers: Servers): Promise<string> {
  if (family === 'postgres') {
    return withPg(servers.pgUrl, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?');
  }
  if (family === 'redis') {
    return withRedis(servers.redisUrl, async (r) => /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? '?');
  }
  return '';
}
