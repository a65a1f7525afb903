/**
 * Storage loss is loud: on a private server (never the shared one), a restart without persistence
 * and a FLUSHALL under a running worker are reported as `StorageResetError` (the worker's `error`
 * event, each storage's logger), the schema and a new epoch are written again, the queue's
 * configuration comes back from the `Queue` options of a producer-only process, and adds and
 * claims go on within the restored global limit. Also the open-time warnings about eviction and
 * persistence, and the reporting options' validation.
 */
import { randomBytes } from 'node:crypto';
import { type JobRecord, type Logger, Queue, StorageResetError, ValidationError, Worker } from '@waitline/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_SCHEMA_VERSION, RedisStorage, type RedisStorageOptions } from '../dist/index.js';
import { hasRedisTools, missingServer, NO_PERSISTENCE, type PrivateServer, startPrivateServer } from './servers.js';

const tools = await hasRedisTools();
if (!tools) missingServer('redis-server (the reset tests start private ones)', 'apt-get install redis-server');
const base = `wl-reset-${randomBytes(4).toString('hex')}`;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
});

async function server(fromPort: number, settings?: string[]): Promise<PrivateServer> {
  const started = await startPrivateServer(fromPort, settings);
  if (!started) throw new Error('redis-server is not installed');
  cleanups.push(() => started.stop());
  return started;
}

async function open(options: RedisStorageOptions): Promise<RedisStorage> {
  const storage = await RedisStorage.open(options);
  cleanups.push(() => storage.close());
  return storage;
}

/** A log that a storage's `logger` writes to. */
function log(): { lines: Array<{ message: string; error?: Error | undefined }>; logger: Logger } {
  const lines: Array<{ message: string; error?: Error | undefined }> = [];
  return { lines, logger: { warn: (message, error) => lines.push({ message, error }) } };
}

/**
 * A producer-only process (its Queue has the options) and a worker process (its Queue has none)
 * on one prefix of a private server without persistence; `wipe` loses the data under them.
 */
async function survivesAWipe(fromPort: number, wipe: (server: PrivateServer, raw: Redis) => Promise<void>): Promise<void> {
  const srv = await server(fromPort);
  const raw = new Redis(srv.connection);
  raw.on('error', () => undefined); // refused while the server restarts
  cleanups.push(() => raw.quit());
  const prefix = `${base}-${fromPort}`;
  const producerLog = log();
  const workerLog = log();
  const producerStorage = await open({ connection: srv.connection, prefix, resetCheckMs: 100, logger: producerLog.logger });
  const workerStorage = await open({ connection: srv.connection, prefix, resetCheckMs: 100, logger: workerLog.logger });
  const producer = new Queue<{ block: boolean }>(producerStorage, 'q', { concurrency: 2, maxSize: 1_000, maxStalls: 3 });
  const before = await producer.addBulk(Array.from({ length: 20 }, () => ({ payload: { block: true } })));

  let running = 0;
  let mostRunning = 0;
  const releases: Array<() => void> = [];
  let unblocked = false;
  const done: string[] = [];
  const handler = async (job: JobRecord<{ block: boolean }>, { signal }: { signal: AbortSignal }) => {
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    try {
      if (job.payload.block && !unblocked) {
        await new Promise<void>((release) => {
          releases.push(release);
          signal.addEventListener('abort', () => release());
        });
      }
      done.push(job.id);
    } finally {
      running -= 1;
    }
  };
  const worker = new Worker(new Queue<{ block: boolean }>(workerStorage, 'q'), handler, { concurrency: 3, leaseMs: 1_500 });
  const errors: Error[] = [];
  worker.on('error', (e) => errors.push(e));
  cleanups.push(() => worker.close({ graceMs: 0 }));
  await until(() => running === 2, 'two jobs running (the global limit)');
  const epochBefore = await raw.hget(`${prefix}:meta`, 'epoch');
  expect(epochBefore).toMatch(/^[0-9a-f-]{36}$/);

  await wipe(srv, raw);

  await until(() => errors.some((e) => e instanceof StorageResetError), "the worker's error event to report the reset");
  const reset = errors.find((e) => e instanceof StorageResetError) as StorageResetError;
  expect(reset).toMatchObject({ code: 'STORAGE_RESET', name: 'StorageResetError' });
  expect(reset.message).toContain(`"${prefix}" lost its data`);
  // The producer-only process hears it through its storage's logger, typed.
  await until(() => producerLog.lines.some((l) => l.error instanceof StorageResetError), "the producer's logger to report the reset");
  expect(producerLog.lines.find((l) => l.error)?.message).toMatch(/each live Queue its configuration from its options/);
  await until(() => workerLog.lines.some((l) => l.error instanceof StorageResetError), "the worker storage's logger to report it too");

  // Schema, a new epoch and the configuration from the producer's Queue options are back.
  await until(async () => (await producerStorage.getQueue('q'))?.concurrency === 2, 'the concurrency written back');
  expect(await producerStorage.getQueue('q')).toEqual({ name: 'q', concurrency: 2, maxSize: 1_000, maxStalls: 3, paused: false, draining: false });
  expect(await raw.hget(`${prefix}:meta`, 'schema')).toBe(String(REDIS_SCHEMA_VERSION));
  const epochAfter = await raw.hget(`${prefix}:meta`, 'epoch');
  expect(epochAfter).toMatch(/^[0-9a-f-]{36}$/);
  expect(epochAfter).not.toBe(epochBefore);
  // What was stored before is gone: that is what the error says.
  expect(await producer.getJob(before[5]?.id as string)).toBeNull();

  // The handlers of the wiped jobs stop when the heartbeat finds their leases gone.
  await until(() => running === 0, 'the handlers of the wiped jobs to be aborted');
  expect(errors.filter((e) => e.name === 'LeaseLostError').length).toBeLessThanOrEqual(2);

  // New adds run, within the restored global limit (the worker's own Queue never had it).
  const fresh = await producer.add({ block: false });
  await until(() => done.includes(fresh.id), 'a job added after the wipe to run');
  mostRunning = 0;
  const blocking = await producer.addBulk(Array.from({ length: 4 }, () => ({ payload: { block: true } })));
  await until(() => running === 2, 'two of the new blocking jobs running');
  await new Promise((r) => setTimeout(r, 300));
  expect(mostRunning).toBe(2);
  unblocked = true;
  for (const release of releases.splice(0)) release();
  await until(() => blocking.every((j) => done.includes(j.id)), 'the new jobs to finish');
  expect(producerLog.lines.filter((l) => l.error instanceof StorageResetError)).toHaveLength(1);
}

describe.runIf(tools)('redis: a wiped server is noticed and reported', () => {
  it('a restart without persistence under a running worker', async () => {
    await survivesAWipe(7461, (srv) => srv.restart());
  });

  it('a FLUSHALL under a running worker (no reconnect: the periodic check finds it)', async () => {
    await survivesAWipe(7466, async (_, raw) => {
      await raw.flushall();
    });
  });

  it('a storage nobody listens to does not look, and one whose listeners left stops looking', async () => {
    const srv = await server(7471);
    const raw = new Redis(srv.connection);
    cleanups.push(() => raw.quit());
    const quiet = log();
    const storage = await open({ connection: srv.connection, prefix: `${base}-quiet`, resetCheckMs: 50, checkServer: false, logger: quiet.logger });
    await raw.flushall();
    await new Promise((r) => setTimeout(r, 300));
    expect(quiet.lines).toEqual([]);
    const heard: StorageResetError[] = [];
    const off = storage.notifier.onReset?.((e) => heard.push(e));
    await until(() => heard.length === 1, 'the reset once someone listens');
    expect(quiet.lines).toHaveLength(1);
    off?.();
    await raw.flushall();
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toHaveLength(1);
  });
});

describe.runIf(tools)('redis: warnings at open', () => {
  it('warns when the eviction policy may drop keys and when persistence is off, once per server and logger', async () => {
    const srv = await server(7476, [...NO_PERSISTENCE, '--maxmemory-policy', 'allkeys-lru']);
    const warned = log();
    await open({ connection: srv.connection, prefix: `${base}-lru`, logger: warned.logger });
    expect(warned.lines.map((l) => l.message)).toEqual([
      expect.stringMatching(/Redis at 127\.0\.0\.1:\d+ has maxmemory-policy "allkeys-lru": .* Set maxmemory-policy noeviction/),
      expect.stringMatching(/Redis at 127\.0\.0\.1:\d+ has persistence off \(appendonly no, save ""\): a restart loses every job/),
    ]);
    await open({ connection: srv.connection, prefix: `${base}-lru-2`, logger: warned.logger });
    expect(warned.lines).toHaveLength(2);
    const other = log();
    await RedisStorage.fromDescriptor({ ...RedisStorage.descriptor({ connection: srv.connection, prefix: `${base}-lru` }).options, logger: other.logger }).then(
      (s) => s.close(),
    );
    await open({ connection: srv.connection, prefix: `${base}-lru`, logger: other.logger, checkServer: false });
    expect(other.lines).toEqual([]);
  });

  it.each([
    ['AOF on', ['--appendonly', 'yes', '--save', '']],
    ['RDB snapshots on', ['--appendonly', 'no', '--save', '60 1']],
  ])('says nothing with noeviction and %s', async (_, settings) => {
    const srv = await server(7481, settings);
    const warned = log();
    await open({ connection: srv.connection, prefix: `${base}-safe`, logger: warned.logger });
    expect(warned.lines).toEqual([]);
  });

  it('says once that it could not check when CONFIG is refused (as on managed Redis)', async () => {
    const srv = await server(7486);
    const admin = new Redis(srv.connection);
    cleanups.push(() => admin.quit());
    await admin.acl('SETUSER', 'app', 'on', '>secret', '~*', '&*', '+@all', '-config');
    const warned = log();
    const connection = { ...srv.connection, username: 'app', password: 'secret' };
    const storage = await open({ connection, prefix: `${base}-managed`, logger: warned.logger });
    await open({ connection, prefix: `${base}-managed-2`, logger: warned.logger });
    expect(warned.lines.map((l) => l.message)).toEqual([
      expect.stringMatching(/could not check the eviction policy and persistence of Redis at 127\.0\.0\.1:\d+ \(NOPERM/),
    ]);
    await new Queue(storage, 'q').add({});
  });
});

describe('redis: reporting options', () => {
  it.each([
    [{ logger: 'console' }, 'logger'],
    [{ logger: console.warn }, 'logger'],
    [{ checkServer: 'yes' }, 'checkServer'],
    [{ resetCheckMs: 0 }, 'resetCheckMs'],
    [{ resetCheckMs: 2 ** 31 }, 'resetCheckMs'],
    [{ resetCheckMs: 1.5 }, 'resetCheckMs'],
  ])('refuses %o before connecting', async (options, path) => {
    const err = await RedisStorage.open({ connection: { port: 1 }, ...(options as RedisStorageOptions) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toEqual([path]);
  });
});
