/**
 * A server that refuses: a wrong password, an ACL, `maxmemory` reached under `noeviction`, and a
 * connection that drops after a command ran but before its reply came back. Each refusal is a
 * typed `StorageUnavailableError` saying what to check, never a raw reply; an add whose reply was
 * lost, sent again by the client after the reconnect, answers as it first did (not "duplicate id"),
 * and so does a settle (not "lease lost").
 * Private servers only: the shared one is never reconfigured.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Queue, StorageUnavailableError } from '@waitline/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { reconnectDelay } from '../src/connection.js';
import { hasRedisTools, type PrivateServer, startPrivateServer } from './servers.js';

const tools = await hasRedisTools();

/**
 * A TCP proxy to `port` that, once armed, passes the next client write holding `EVALSHA` to the
 * server, lets the server answer it, and drops both connections before the answer reaches the
 * client: a reply lost after the command ran.
 */
function lossyProxy(port: number): Promise<{ port: number; arm(): void; dropped(): number; close(): Promise<void> }> {
  let armed = false;
  let drops = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    let dropping = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk) => {
      if (armed && chunk.toString('latin1').toLowerCase().includes('evalsha')) {
        armed = false;
        dropping = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!dropping) return void client.write(chunk);
      drops += 1;
      client.destroy();
      upstream.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        arm: () => {
          armed = true;
        },
        dropped: () => drops,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

describe.runIf(tools)('redis: a server that refuses', () => {
  const closers: Array<() => Promise<unknown>> = [];
  let server: PrivateServer;
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  });
  const privateServer = async (fromPort: number) => {
    const started = await startPrivateServer(fromPort);
    if (!started) throw new Error('redis-server is not installed');
    closers.push(() => started.stop());
    return started;
  };

  it('reconnects within a second whatever the attempt', () => {
    expect([1, 2, 3, 5, 50, 10_000].map(reconnectDelay)).toEqual([50, 100, 200, 800, 1_000, 1_000]);
  });

  it('a wrong password or an ACL without scripts: StorageUnavailableError naming what to check', async () => {
    server = await privateServer(7461);
    const admin = new Redis(server.connection);
    closers.push(() => admin.quit());
    await admin.acl('SETUSER', 'noscripts', 'on', '>pw', '~*', '&*', '+@all', '-eval', '-evalsha');
    const wrong = await RedisStorage.open({
      connection: { ...server.connection, username: 'noscripts', password: 'nope' },
      prefix: 'refusals',
      checkServer: false,
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(StorageUnavailableError);
    expect((wrong as Error).message).toMatch(/WRONGPASS.*password.*ACL/);
    const limited = await RedisStorage.open({
      connection: { ...server.connection, username: 'noscripts', password: 'pw' },
      prefix: 'refusals',
      checkServer: false,
    }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(StorageUnavailableError);
    expect((limited as Error).message).toMatch(/NOPERM.*EVAL/);
  });

  it('a database the server does not have: StorageUnavailableError, not database 0 in its place', async () => {
    const missing = await RedisStorage.open({ connection: { ...server.connection, db: 99 }, prefix: 'nodb', checkServer: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StorageUnavailableError);
    expect((missing as Error).message).toMatch(/database 99 does not exist/);
    const other = await RedisStorage.open({ connection: { ...server.connection, db: 3 }, prefix: 'nodb', checkServer: false });
    await new Queue(other, 'q').add({ n: 1 });
    await other.close();
    const admin = new Redis({ ...server.connection, db: 3 });
    expect((await admin.keys('*nodb*')).length).toBeGreaterThan(0);
    await admin.select(0);
    expect(await admin.keys('*nodb*')).toEqual([]);
    await admin.quit();
  });

  it('maxmemory reached under noeviction: the add fails typed, without the script reference, and writes nothing', async () => {
    const admin = new Redis(server.connection);
    closers.push(() => admin.quit());
    const storage = await RedisStorage.open({ connection: server.connection, prefix: 'oom', checkServer: false });
    closers.push(() => storage.close());
    const queue = new Queue(storage, 'full');
    await queue.add({ n: 1 });
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', String(Number((await admin.info('memory')).match(/used_memory:(\d+)/)?.[1]) + 100_000));
    await admin.set('ballast', 'x'.repeat(300_000)).catch(() => undefined);
    const err = await queue.add({ n: 2, big: 'y'.repeat(200_000) }).catch((e: unknown) => e);
    await admin.del('ballast');
    await admin.config('SET', 'maxmemory', '0');
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/OOM/);
    expect((err as Error).message).not.toMatch(/script: [0-9a-f]{40}/);
    expect((await queue.getStats()).counts.queued).toBe(1);
  });

  it('a reply lost after the add ran: the add sent again answers as the first run did, and the job is stored once', async () => {
    const proxy = await lossyProxy(server.port);
    closers.push(() => proxy.close());
    const storage = await RedisStorage.open({ connection: { host: '127.0.0.1', port: proxy.port }, prefix: 'lost', checkServer: false });
    closers.push(() => storage.close());
    const queue = new Queue(storage, 'lost');
    await queue.ready();
    proxy.arm();
    const job = await queue.add({ n: 1 });
    expect(proxy.dropped()).toBe(1);
    expect(await queue.getJob(job.id)).toMatchObject({ state: 'queued', payload: { n: 1 } });
    expect((await queue.getStats()).counts.queued).toBe(1);
  });

  it('a reply lost after a settle ran: the settle sent again answers as the first run did, nothing lost', async () => {
    const proxy = await lossyProxy(server.port);
    closers.push(() => proxy.close());
    const storage = await RedisStorage.open({ connection: { host: '127.0.0.1', port: proxy.port }, prefix: 'lost-settle', checkServer: false });
    closers.push(() => storage.close());
    const queue = new Queue(storage, 'settles');
    await queue.ready();
    const added = await queue.addBulk([1, 2, 3, 4].map((n) => ({ payload: { n } })));
    const now = Date.now();
    const running = await storage.claim({ queue: 'settles', workerId: 'w-lost', limit: 4, leaseMs: 60_000, now });
    expect(running.map((j) => j.id)).toEqual(added.map((j) => j.id));
    const [done, failed, retried, cancelled] = running.map((j) => ({ id: j.id, leaseToken: j.leaseToken ?? '' }));
    const error = (n: number) => ({ name: 'Error', message: `boom ${n}`, attempt: 1, at: now + 1 });
    // The settle script is loaded first: a first EVALSHA answered NOSCRIPT never ran, and losing
    // that reply would test nothing.
    expect(await storage.settle({ queue: 'settles', now })).toEqual({ settled: [], lost: [], claimed: [] });
    proxy.arm();
    const r = await storage.settle({
      queue: 'settles',
      now: now + 1,
      completed: [{ ...done!, result: { ok: true } }],
      failed: [
        { ...failed!, error: error(2), retryAt: null },
        { ...retried!, error: error(3), retryAt: now + 5_000 },
      ],
      cancelled: [{ ...cancelled!, error: null }],
    });
    expect(proxy.dropped()).toBe(1);
    expect(r.lost).toEqual([]);
    expect(r.settled.map((j) => [j.id, j.state])).toEqual([
      [done!.id, 'completed'],
      [failed!.id, 'failed'],
      [retried!.id, 'queued'],
      [cancelled!.id, 'cancelled'],
    ]);
    expect((await queue.getJob(done!.id))?.result).toEqual({ ok: true });
    // The guard still misses for a token that settles anything but its own call's outcome.
    const again = await storage.settle({ queue: 'settles', now: now + 2, completed: [{ ...done!, result: { ok: true } }] });
    expect(again.lost).toEqual([done!.id]);
  });
});
