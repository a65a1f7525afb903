/**
 * A server in trouble, on the shared test server (only this file's own backends, schemas and role
 * are touched): a backend terminated mid-transaction fails the call instead of crashing the
 * process; processes opening one fresh schema under a tiny `statement_timeout` wait for each
 * other's migration; a schema a DBA made for a role without CREATE on the database opens; and a
 * server that accepts connections but never answers is a `StorageUnavailableError`, not a hang;
 * a backend that dies in the very read that made its connection ready fails the call, not the
 * process (a fake server sends both in one write: the race the terminate test meets by chance).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { Queue, StorageUnavailableError } from '@waitline/core';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresStorage } from '../dist/index.js';
import { PgContext } from '../src/context.js';
import { dropSchemas, freshSchema } from './harness.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

describe.runIf(RUN_PG_TESTS)('postgres in trouble', () => {
  const schemas: string[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropSchemas(schemas);
  });

  it('a backend terminated mid-transaction fails the read; the process lives on', async () => {
    const schema = freshSchema('kill');
    schemas.push(schema);
    const applicationName = `wl-kill-${randomBytes(4).toString('hex')}`;
    const storage = await PostgresStorage.open({ connectionString: PG_URL, schema, applicationName });
    closers.push(() => storage.close());
    const queue = new Queue(storage, 'q');
    await queue.add({});
    const errors: unknown[] = [];
    let reads = 0;
    // Reads go on until one succeeded after the kills (a loaded machine can fail every read
    // made while they last), 10 s at most.
    const until = Date.now() + 1_500;
    const readers = Array.from({ length: 4 }, async () => {
      while (Date.now() < until || (reads === 0 && Date.now() < until + 10_000)) {
        await queue.getStats().then(
          () => reads++,
          (e: unknown) => errors.push(e),
        );
      }
    });
    for (let i = 0; i < 10; i++) {
      await withClient((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]));
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(readers);
    expect(reads).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBeInstanceOf(StorageUnavailableError);
    expect((await queue.getStats()).counts.queued).toBe(1);
  });

  it('processes opening one fresh schema under a 30 ms statement_timeout wait for each other', async () => {
    const schema = freshSchema('race');
    schemas.push(schema);
    const url = new URL(PG_URL);
    url.searchParams.set('options', '-c statement_timeout=30 -c lock_timeout=30');
    const opened = await Promise.allSettled(Array.from({ length: 4 }, () => PostgresStorage.open({ connectionString: url.toString(), schema })));
    for (const o of opened) if (o.status === 'fulfilled') closers.push(() => o.value.close());
    expect(opened.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('opens a schema a DBA made for a role that may not create schemas in the database', async () => {
    const role = `wl_app_${randomBytes(4).toString('hex')}`;
    const schema = freshSchema('owned');
    schemas.push(schema);
    await withClient(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN`);
      await c.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    });
    closers.push(() => withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => c.query(`DROP ROLE IF EXISTS ${role}`))));
    const url = new URL(PG_URL);
    url.username = role;
    const storage = await PostgresStorage.open({ connectionString: url.toString(), schema });
    await new Queue(storage, 'q').add({ n: 1 });
    await storage.close();
  });

  it('a server that accepts connections and never answers: StorageUnavailableError after the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    });
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const err = await PostgresStorage.open({
      connection: { host: '127.0.0.1', port, database: 'test', connectionTimeoutMillis: 300 },
      schema: freshSchema('mute'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a backend that dies in the read that made its connection ready: the transaction fails, no uncaught error', async () => {
    const frame = (type: string, body: Buffer) => {
      const head = Buffer.alloc(5);
      head.write(type, 0, 'latin1');
      head.writeInt32BE(body.length + 4, 1);
      return Buffer.concat([head, body]);
    };
    const int32s = (...values: number[]) => Buffer.concat(values.map((v) => Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255])));
    const fatal = 'SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0';
    const dying = createServer((socket) => {
      socket.on('error', () => undefined);
      // Authentication ok, the backend's key, ready, and the FATAL of pg_terminate_backend.
      socket.once('data', () => {
        socket.end(Buffer.concat([frame('R', int32s(0)), frame('K', int32s(1, 2)), frame('Z', Buffer.from('I')), frame('E', Buffer.from(fatal, 'latin1'))]));
      });
    });
    await new Promise<void>((r) => dying.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => dying.close(r)));
    const pool = new pg.Pool({ host: '127.0.0.1', port: (dying.address() as { port: number }).port, user: 'x', database: 'x' });
    pool.on('error', () => undefined);
    closers.push(() => pool.end());
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.prependListener('uncaughtException', record);
    try {
      const outcome = await new PgContext(pool, 'wl_dying', 'sync').transaction('', (c) => c.query('SELECT 1')).catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(Error);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
  });
});
