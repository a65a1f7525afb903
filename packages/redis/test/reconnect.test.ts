/**
 * Surviving the server: scripts come back after the server forgets them (NOSCRIPT), and a worker
 * whose connections drop reconnects, resubscribes, catches up on what it missed and goes on
 * claiming, without waiting for its poll interval.
 */
import { randomBytes } from 'node:crypto';
import { isTransientStorageError, Queue, QueueEvents, StorageUnavailableError, Worker } from '@waitline/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { LUA } from '../src/generated/lua.js';
import { deleteKeys } from './harness.js';
import { hasRedisTools, missingServer, type PrivateServer, ping, SERVER, startPrivateServer } from './servers.js';

const base = `wl-reconnect-${randomBytes(4).toString('hex')}`;
const available = await ping(SERVER.host, SERVER.port);
const tools = await hasRedisTools();
if (!available) missingServer('Redis at 127.0.0.1:6379', 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');

/** A private redis-server without persistence (nothing on disk), stopped after the file. */
async function privateServer(fromPort: number, closers: Array<() => Promise<unknown>>): Promise<PrivateServer> {
  const server = await startPrivateServer(fromPort);
  if (!server) throw new Error('redis-server is not installed');
  closers.push(() => server.stop());
  return server;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Kills every server connection whose client name is `name`; returns how many. */
async function killConnections(raw: Redis, name: string): Promise<number> {
  const list = String(await raw.client('LIST'));
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /^id=(\d+)/.exec(line)?.[1]);
  for (const id of ids) if (id) await raw.client('KILL', 'ID', id);
  return ids.length;
}

describe.runIf(available)('redis: server restarts and dropped connections', () => {
  const raw = available ? new Redis(SERVER) : (null as unknown as Redis);
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
    await raw.quit();
  });

  // On a private server: SCRIPT FLUSH on the shared one would slow everyone else using it.
  it.runIf(tools)('reloads its scripts after the server forgot them (NOSCRIPT)', async () => {
    const { port } = await privateServer(7421, closers);
    const own = new Redis({ host: '127.0.0.1', port });
    closers.push(() => own.quit());
    const s = await RedisStorage.open({ connection: { host: '127.0.0.1', port }, prefix: `${base}-noscript` });
    closers.push(() => s.close());
    await s.enqueue({ queue: 'q', jobs: [], now: 0 });
    await own.script('FLUSH');
    const added = await new Queue(s, 'q').add({ n: 1 });
    await own.script('FLUSH');
    expect(await own.script('EXISTS', LUA.claim.sha1)).toEqual([0]);
    const [claimed] = await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: Date.now() });
    expect(claimed?.id).toBe(added.id);
    expect(await own.script('EXISTS', LUA.claim.sha1)).toEqual([1]);
  });

  it('a worker whose connections are killed reconnects, catches up and goes on claiming', async () => {
    const name = `${base}-victim`;
    const storage = await RedisStorage.open({ connection: { ...SERVER, connectionName: name }, prefix: `${base}-drop` });
    const producer = await RedisStorage.open({ connection: SERVER, prefix: `${base}-drop` });
    closers.push(
      () => storage.close(),
      () => producer.close(),
    );
    const done: string[] = [];
    const worker = new Worker(new Queue(storage, 'q'), async (job) => void done.push(job.id), {
      heartbeat: 'main',
      pollIntervalMs: 60_000, // only a notice (or the reconnect catch-up) can wake it in time
      leaseMs: 5_000,
    });
    worker.on('error', () => undefined);
    closers.push(() => worker.close({ graceMs: 0 }));
    await worker.start();
    const producerQueue = new Queue(producer, 'q');
    const first = await producerQueue.add({ n: 1 });
    await until(() => done.includes(first.id), 'the first job');

    for (let round = 0; round < 3; round++) {
      expect(await killConnections(raw, name)).toBeGreaterThanOrEqual(2); // commands and subscriber
      // Added while the worker's subscriber is down or resubscribing: pub/sub does not keep the
      // notice, so only the catch-up after the reconnect (or the resubscribed channel) wakes it.
      const job = await producerQueue.add({ round });
      await until(() => done.includes(job.id), `the job added after kill ${round + 1}`);
    }
    expect((await producerQueue.getStats()).counts).toMatchObject({ completed: 4, queued: 0, running: 0 });
  });

  it('QueueEvents resubscribes after its connection drops and hears later events', async () => {
    const name = `${base}-listener`;
    const listening = await RedisStorage.open({ connection: { ...SERVER, connectionName: name }, prefix: `${base}-events` });
    const producer = await RedisStorage.open({ connection: SERVER, prefix: `${base}-events` });
    closers.push(
      () => listening.close(),
      () => producer.close(),
    );
    const events = new QueueEvents(listening, 'q');
    closers.push(async () => events.close());
    const heard: string[] = [];
    events.on('job:added', ({ jobId }) => heard.push(jobId));
    await new Promise((r) => setTimeout(r, 100));
    expect(await killConnections(raw, name)).toBeGreaterThanOrEqual(1);
    await until(
      async () => String(await raw.client('LIST')).includes(` name=${name} `) && (await raw.pubsub('NUMSUB', `${base}-events:notices:q`))[1] === 1,
      'the resubscription',
    );
    const job = await new Queue(producer, 'q').add({});
    await until(() => heard.includes(job.id), 'the event published after the reconnect');
  });

  it.runIf(tools)('a worker goes on claiming after its server restarts (empty, without its scripts)', async () => {
    const server = await privateServer(7411, closers);
    const { connection } = server;
    const storage = await RedisStorage.open({ connection, prefix: `${base}-restart` });
    const producer = await RedisStorage.open({ connection, prefix: `${base}-restart` });
    closers.push(
      () => storage.close(),
      () => producer.close(),
    );
    const done: string[] = [];
    const worker = new Worker(new Queue(storage, 'q'), async (job) => void done.push(job.id), { heartbeat: 'main', pollIntervalMs: 60_000, leaseMs: 5_000 });
    worker.on('error', () => undefined);
    closers.push(() => worker.close({ graceMs: 0 }));
    await worker.start();
    const queue = new Queue(producer, 'q');
    const before = await queue.add({ n: 1 });
    await until(() => done.includes(before.id), 'the job before the restart');

    await server.restart();
    let after: Awaited<ReturnType<typeof queue.add>> | undefined;
    await until(async () => {
      after = await queue.add({ n: 2 }).catch(() => undefined); // refused while the producer reconnects
      return after !== undefined;
    }, 'an add after the restart');
    await until(() => done.includes(after?.id ?? ''), 'the job added after the restart');
  });
});

describe('a server that cannot be reached', () => {
  it('a server that cannot be reached is a transient StorageUnavailableError', async () => {
    const err = await RedisStorage.open({ connection: { host: '127.0.0.1', port: 1, retryStrategy: () => null }, prefix: `${base}-down` }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(isTransientStorageError(err)).toBe(true);
  });

  it('a command given up after its retries names the last connection error', async () => {
    const err = await RedisStorage.open({
      connection: { host: '127.0.0.1', port: 1, retryStrategy: () => 10, maxRetriesPerRequest: 1 },
      prefix: `${base}-down`,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/max retries per request.*Last connection error: connect ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
