/**
 * What only the Redis storage has: the embedded scripts and their headers, the key layout and the
 * ready score's bit budget, due scheduled jobs in positions and counts, a caller whose clock is
 * behind, error classification, descriptors and prefixes. The behaviour every storage shares is in
 * contract.test.ts (single server) and cluster.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, type StorageNotice, StorageUnavailableError, ValidationError, Worker } from '@waitline/core';
import { Redis } from 'ioredis';
import { newJob, T0 } from '@waitline/storage-contract';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { LUA } from '../src/generated/lua.js';
import { deleteKeys } from './harness.js';
import { missingServer, ping, SERVER } from './servers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const base = `wl-unit-${randomBytes(4).toString('hex')}`;
let counter = 0;
const opened: RedisStorage[] = [];

async function fresh(): Promise<{ s: RedisStorage; prefix: string }> {
  const prefix = `${base}-${++counter}`;
  const s = await RedisStorage.open({ connection: SERVER, prefix });
  opened.push(s);
  return { s, prefix };
}

const job = newJob;

describe('embedded Lua', () => {
  it('src/generated/lua.ts is exactly what scripts/embed-assets.mjs makes of lua/', () => {
    expect(() => execFileSync(process.execPath, ['../../scripts/embed-assets.mjs', '--check'], { cwd: packageDir, stdio: 'pipe' })).not.toThrow();
    expect(Object.keys(LUA)).toHaveLength(readdirSync(join(packageDir, 'lua', 'scripts')).length);
  });

  it('every script opens with a header naming its keys, arguments, reply, events and guarantees', () => {
    for (const file of readdirSync(join(packageDir, 'lua', 'scripts'))) {
      const header = readFileSync(join(packageDir, 'lua', 'scripts', file), 'utf8').split(/\n(?!--)/)[0] ?? '';
      for (const part of ['KEYS[1', 'ARGV[1]', 'Returns:', 'Events:', 'Guarantees:']) expect(header, file).toContain(part);
    }
  });

  it('includes are expanded once, and no script is left with an include line', () => {
    for (const script of Object.values(LUA)) {
      expect(script.source, script.file).not.toMatch(/^--! include/m);
      expect(script.source.match(/^local function jobKey\(/gm)?.length ?? 0, script.file).toBeLessThanOrEqual(1);
    }
  });
});

const available = await ping(SERVER.host, SERVER.port);
if (!available) missingServer('Redis at 127.0.0.1:6379', 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');

describe.runIf(available)('redis storage', () => {
  const raw = available ? new Redis(SERVER) : (null as unknown as Redis);
  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
    await raw.quit();
  });

  it('keeps every key of a queue under the hash tag {prefix:queue}', async () => {
    const { s, prefix } = await fresh();
    await s.upsertQueue({ name: 'q', concurrency: 1, now: T0 });
    const [a] = (await s.enqueue({ queue: 'q', jobs: [job({ idempotencyKey: 'k' }), job({ runAt: T0 + 1_000 })], now: T0 })).jobs;
    await s.settle({ queue: 'q', now: T0, claim: { workerId: 'w', limit: 1, leaseMs: 1_000 } });
    const keys = (await raw.keys(`*${prefix}*`)).sort();
    const tagged = keys.filter((k) => k.startsWith(`{${prefix}:q}:`));
    expect(keys.filter((k) => !tagged.includes(k))).toEqual([`${prefix}:meta`, `${prefix}:queues`]);
    expect(tagged).toEqual(
      expect.arrayContaining([`{${prefix}:q}:j:${a?.id}`, `{${prefix}:q}:config`, `{${prefix}:q}:running`, `{${prefix}:q}:scheduled`, `{${prefix}:q}:idem`]),
    );
  });

  it('packs priority and runAt into 53 bits: the score is (1000 - priority) * 2^43 + runAt, exactly', async () => {
    const { s, prefix } = await fresh();
    const cases = [
      { priority: 1000, runAt: 0 },
      { priority: 1, runAt: 2 ** 43 - 1 },
      { priority: 4, runAt: T0 },
      { priority: 1, runAt: 2 ** 43 + 5 }, // past the budget (year 2248): sorts as the last ms
    ];
    const jobs = (await s.enqueue({ queue: 'q', jobs: cases.map((c) => job(c)), now: 2 ** 44 })).jobs;
    const scores = await raw.zrange(`{${prefix}:q}:ready`, '0', '-1', 'WITHSCORES');
    const byMember = new Map<string, string>();
    for (let i = 0; i < scores.length; i += 2) byMember.set(String(scores[i]), String(scores[i + 1]));
    const expected = cases.map((c) => (BigInt(1000 - c.priority) << 43n) + BigInt(Math.min(c.runAt, 2 ** 43 - 1)));
    const stored = jobs.map((j) => BigInt(Number(byMember.get(`${String(j.seq).padStart(15, '0')}${j.id}`))));
    expect(stored).toEqual(expected);
    expect(expected.every((v) => v < 2n ** 53n)).toBe(true);
    const order = await s.claim({ queue: 'q', workerId: 'w', limit: 4, leaseMs: 1_000, now: 2 ** 44 });
    expect(order.map((j) => j.priority)).toEqual([1000, 4, 1, 1]);
    expect(order[2]?.runAt).toBe(2 ** 43 - 1);
  });

  it('ties in score run in insertion order (the member starts with the zero-padded seq)', async () => {
    const { s } = await fresh();
    const jobs = (await s.enqueue({ queue: 'q', jobs: Array.from({ length: 12 }, () => job()), now: T0 })).jobs;
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 12, leaseMs: 1_000, now: T0 });
    expect(claimed.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
  });

  it('position and counts include scheduled jobs that are due but not yet moved by a claim', async () => {
    const { s, prefix } = await fresh();
    const [ready] = (await s.enqueue({ queue: 'q', jobs: [job()], now: T0 })).jobs;
    await s.enqueue({ queue: 'q', jobs: [job({ priority: 4, runAt: T0 + 100 })], now: T0 });
    const stats = (now: number) => s.getStats({ queue: 'q', now, windowsMs: [], sampleLimit: 0, workerStaleMs: 1 });
    expect((await stats(T0 + 99)).counts).toMatchObject({ ready: 1, scheduled: 1 });
    expect((await stats(T0 + 100)).counts).toMatchObject({ ready: 2, scheduled: 0 });
    expect(await s.getPosition({ queue: 'q', id: ready?.id ?? '', now: T0 + 50 })).toBe(1);
    expect(await s.getPosition({ queue: 'q', id: ready?.id ?? '', now: T0 + 100 })).toBe(2);
    // Counted, not moved: the scheduled job is still in its level's set.
    expect(await raw.zcard(`{${prefix}:q}:scheduled:4`)).toBe(1);
  });

  it('a claim moves at most limit due jobs per priority level, and positions stay exact meanwhile', async () => {
    const { s, prefix } = await fresh();
    const batch = (priority: number) => Array.from({ length: 1_000 }, (_, i) => job({ priority, runAt: T0 + 10 + i }));
    const low = (await s.enqueue({ queue: 'q', jobs: batch(2), now: T0 })).jobs;
    const high = (await s.enqueue({ queue: 'q', jobs: batch(3), now: T0 })).jobs;
    const now = T0 + 5_000;
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 2, leaseMs: 60_000, now });
    expect(claimed.map((j) => j.id)).toEqual(high.slice(0, 2).map((j) => j.id));
    expect(await raw.zcard(`{${prefix}:q}:ready`)).toBe(2); // the two earliest of level 2
    expect(await raw.zcard(`{${prefix}:q}:scheduled:3`)).toBe(998);
    expect(await raw.zcard(`{${prefix}:q}:scheduled:2`)).toBe(998);
    expect(await s.getPosition({ queue: 'q', id: high[2]?.id ?? '', now })).toBe(1);
    expect(await s.getPosition({ queue: 'q', id: low[0]?.id ?? '', now })).toBe(999);
    expect(await s.getPosition({ queue: 'q', id: low[500]?.id ?? '', now })).toBe(998 + 501);
    expect(await s.getPosition({ queue: 'q', id: low[500]?.id ?? '', now: T0 + 10 + 499 })).toBeNull();
    const next = await s.claim({ queue: 'q', workerId: 'w', limit: 3, leaseMs: 60_000, now });
    expect(next.map((j) => j.id)).toEqual(high.slice(2, 5).map((j) => j.id));
  });

  it('position inputs group the first jobs ahead as a claim takes them, due jobs not moved included, and move none', async () => {
    const { s, prefix } = await fresh();
    const added: Array<{ id: string; name: string; priority: number; runAt: number }> = [];
    const add = async (now: number, n: number, o: { name: string; priority: number; runAt?: number }) => {
      const jobs = Array.from({ length: n }, () => job({ ...o, runAt: o.runAt ?? now }));
      for (const j of (await s.enqueue({ queue: 'q', jobs, now })).jobs) added.push({ id: j.id, name: j.name, priority: j.priority, runAt: j.runAt });
    };
    await add(T0, 20, { name: 'a', priority: 5 }); // ready
    await add(T0, 30, { name: 'b', priority: 5, runAt: T0 + 100 }); // scheduled, due at the read
    await add(T0, 40, { name: 'c', priority: 2, runAt: T0 + 500 });
    await add(T0, 5, { name: 'd', priority: 2, runAt: T0 + 1_000 }); // same runAt as the target, earlier seq
    await add(T0, 7, { name: 'e', priority: 1, runAt: T0 + 200 }); // a lower level: never ahead
    await add(T0 + 150, 10, { name: 'f', priority: 5 }); // ready, after the due jobs of level 5
    await add(T0 + 150, 50, { name: 'g', priority: 2 });
    await add(T0 + 1_000, 1, { name: 'target', priority: 2 });
    await add(T0, 3, { name: 'h', priority: 2, runAt: T0 + 1_000 }); // same runAt, later seq: behind
    const target = added.find((j) => j.name === 'target');
    // Claim order: priority desc, runAt, seq (insertion order here).
    const order = added.map((j, seq) => ({ ...j, seq })).sort((x, y) => y.priority - x.priority || x.runAt - y.runAt || x.seq - y.seq);
    const ahead = order.slice(
      0,
      order.findIndex((j) => j.id === target?.id),
    );
    expect(ahead).toHaveLength(155);
    const group = (jobs: typeof ahead) =>
      [...new Set(jobs.map((j) => j.name))].sort().map((name) => ({ name, count: jobs.filter((j) => j.name === name).length, sizedCount: 0, sizeSum: 0 }));
    const params = { queue: 'q', id: target?.id ?? '', now: T0 + 2_000, sampleLimit: 1, aheadListLimit: 0, dueAheadLimit: 100, workerStaleMs: 1 };
    for (const limit of [0, 1, 20, 35, 60, 110, 150, 154, 155, 1_000]) {
      const inputs = await s.getPositionInputs({ ...params, aheadWorkLimit: limit });
      expect(inputs?.ahead).toBe(155);
      expect(inputs?.aheadWorkOf).toBe(Math.min(155, limit));
      expect(
        [...(inputs?.aheadWork ?? [])].sort((x, y) => x.name.localeCompare(y.name)),
        `limit ${limit}`,
      ).toEqual(group(ahead.slice(0, limit)));
    }
    const listed = await s.getPositionInputs({ ...params, aheadListLimit: 155, aheadWorkLimit: 10 });
    expect(listed?.aheadJobs?.map((j) => j.name)).toEqual(ahead.map((j) => j.name));
    expect(await raw.zcard(`{${prefix}:q}:scheduled:5`)).toBe(30); // read, not moved
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 155, leaseMs: 60_000, now: T0 + 2_000 });
    expect(claimed.map((j) => j.id)).toEqual(ahead.map((j) => j.id));
  });

  it('a filtered listing of a long queue walks it in bounded steps and pages exactly', async () => {
    const { s } = await fresh();
    const stored = [];
    for (let i = 0; i < 12_000; i += 1_000) stored.push(...(await s.enqueue({ queue: 'q', jobs: Array.from({ length: 1_000 }, () => job()), now: T0 })).jobs);
    const picked = stored.filter((_, i) => i % 997 === 0 || i === 4_999 || i === 5_000); // across the 5,000-job steps
    for (const j of picked) await s.cancel({ queue: j.queue, id: j.id, now: T0 + 1 });
    const page = (offset: number, limit: number, order: 'asc' | 'desc') => s.listJobs({ queue: 'q', states: ['cancelled'], offset, limit, order });
    const asc = picked.map((j) => j.id);
    const first = await page(0, 5, 'asc');
    expect(first.items.map((j) => j.id)).toEqual(asc.slice(0, 5));
    expect(first.nextOffset).toBe(5);
    const rest = await page(5, 100, 'asc');
    expect(rest.items.map((j) => j.id)).toEqual(asc.slice(5));
    expect(rest.nextOffset).toBeNull();
    expect((await page(3, 4, 'desc')).items.map((j) => j.id)).toEqual([...asc].reverse().slice(3, 7));
  });

  it('a claim whose clock is behind the one that moved a job leaves that job waiting', async () => {
    const { s } = await fresh();
    const [later] = (await s.enqueue({ queue: 'q', jobs: [job({ runAt: T0 + 100 })], now: T0 })).jobs;
    expect(await s.getPosition({ queue: 'q', id: later?.id ?? '', now: T0 + 100 })).toBe(1);
    expect(await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: T0 + 50 })).toEqual([]);
    expect(await s.getPosition({ queue: 'q', id: later?.id ?? '', now: T0 + 50 })).toBeNull();
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: T0 + 100 });
    expect(claimed.map((j) => j.id)).toEqual([later?.id]);
  });

  it('an add publishes its wake-up from the script, heard once here and once elsewhere; none when nothing is inserted', async () => {
    const { s, prefix } = await fresh();
    const sub = new Redis(SERVER);
    const elsewhere: unknown[] = [];
    sub.on('message', (_channel: string, message: string) => elsewhere.push(JSON.parse(message)));
    const here: StorageNotice[] = [];
    const off = s.notifier.subscribe('q', (n) => here.push(n));
    try {
      await sub.subscribe(`${prefix}:notices:q`);
      const queue = new Queue(s, 'q');
      const added = await queue.addBulk([
        { payload: {}, options: { delayMs: 500, idempotencyKey: 'k' } },
        { payload: {}, options: { delayMs: 100 } },
      ]);
      const runAt = Math.min(...added.map((j) => j.record.runAt));
      expect((await s.enqueue({ queue: 'q', jobs: [job({ idempotencyKey: 'k' })], now: T0 })).announced).toBeUndefined();
      await raw.ping(); // the server has sent every message published before this reply
      await new Promise((resolve) => setTimeout(resolve, 50));
      const notice = { queue: 'q', kind: 'added', runAt };
      expect(elsewhere).toEqual([{ origin: (s.notifier as unknown as { origin: string }).origin, notice }]);
      expect(here.filter((n) => n.kind === 'added')).toEqual([notice]);
    } finally {
      off();
      await sub.quit();
    }
  });

  it('a worker closed while its heartbeat thread is mid-beat reports no error', async () => {
    // The thread closed its storage under a beat in flight, whose registerWorker then failed with
    // StorageUnavailableError: about one close in eight logged it with a 5 ms heartbeat.
    const errors: unknown[] = [];
    const logger = { error: (...args: unknown[]) => errors.push(args), warn: () => undefined, info: () => undefined, debug: () => undefined };
    for (let round = 0; round < 16; round++) {
      const { s } = await fresh();
      const worker = new Worker(new Queue(s, 'q'), async () => undefined, { leaseMs: 1_000, heartbeatMs: 5, logger });
      worker.on('error', (err) => errors.push(err));
      await worker.start();
      await new Promise((resolve) => setTimeout(resolve, 20 + (round % 4) * 7));
      await worker.close();
    }
    expect(errors).toEqual([]);
    // Each round starts a heartbeat thread (0.5 to 1 s each here, more on a loaded machine).
  }, 120_000);

  it('an idempotency key whose job hash is gone matches nothing: the new job is inserted and takes the key', async () => {
    const { s, prefix } = await fresh();
    const [first] = (await s.enqueue({ queue: 'q', jobs: [job({ idempotencyKey: 'k' })], now: T0 })).jobs;
    await raw.del(`{${prefix}:q}:j:${first?.id}`);
    const second = await s.enqueue({ queue: 'q', jobs: [job({ idempotencyKey: 'k' })], now: T0 });
    expect(second.inserted).toEqual([true]);
    const id = second.jobs[0]?.id ?? '';
    expect((await s.getJob({ queue: 'q', id }))?.idempotencyKey).toBe('k');
    const third = await s.enqueue({ queue: 'q', jobs: [job({ idempotencyKey: 'k' })], now: T0 });
    expect(third.inserted).toEqual([false]);
    expect(third.jobs[0]?.id).toBe(id);
  });

  it('reads and lists a queue another handle added to, one this handle has never seen', async () => {
    const { s, prefix } = await fresh();
    const other = await RedisStorage.open({ connection: SERVER, prefix });
    opened.push(other);
    const [added] = (await other.enqueue({ queue: 'elsewhere', jobs: [job()], now: T0 })).jobs;
    expect((await s.listQueues()).map((q) => q.name)).toContain('elsewhere');
    expect((await s.getJob({ queue: 'elsewhere', id: added?.id ?? '' }))?.queue).toBe('elsewhere');
    expect((await s.cancel({ queue: 'elsewhere', id: added?.id ?? '', now: T0 + 1 })).state).toBe('cancelled');
    expect(await s.getJob({ queue: 'elsewhere', id: 'no-such-job' })).toBeNull();
  });

  it('a closed storage refuses calls with StorageUnavailableError; closing twice is fine', async () => {
    const { s } = await fresh();
    await s.close();
    await s.close();
    await expect(s.getQueue('q')).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('refuses options that are not an object, or wrong-typed fields, naming the option', async () => {
    const bad: Array<[unknown, Array<string | number>]> = [
      [null, []],
      [5, []],
      [{ connection: SERVER, prefix: 123 }, ['prefix']],
      [{ connection: SERVER, prefix: true }, ['prefix']],
      [{ connection: SERVER, migrate: 'no' }, ['migrate']],
      [{ connection: 5 }, ['connection']],
      [{ connection: SERVER, colour: 'red' }, []],
    ];
    for (const [options, path] of bad) {
      const err = await RedisStorage.open(options as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(path);
    }
  });

  it('refuses a prefix that could break hash tags or key patterns, or share keys with another prefix', async () => {
    for (const prefix of ['', 'a{b', 'a}b', 'a*b', 'has space', `${base}:x`, 123, true]) {
      const err = await RedisStorage.open({ connection: SERVER, prefix: prefix as string }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(['prefix']);
    }
  });

  it('no two (prefix, queue) pairs share a key: prefix P with queue "x:y" and prefix "P.x" with queue "y" stay apart', async () => {
    const p = `${base}-inj`;
    const a = await RedisStorage.open({ connection: SERVER, prefix: p });
    const b = await RedisStorage.open({ connection: SERVER, prefix: `${p}.x` });
    opened.push(a, b);
    const [mine] = (await a.enqueue({ queue: 'x:y', jobs: [job()], now: T0 })).jobs;
    expect(await b.claim({ queue: 'y', workerId: 'w', limit: 5, leaseMs: 1_000, now: T0 })).toEqual([]);
    expect((await b.getStats({ queue: 'y', now: T0, windowsMs: [], sampleLimit: 0, workerStaleMs: 1 })).counts.queued).toBe(0);
    expect((await a.claim({ queue: 'x:y', workerId: 'w', limit: 5, leaseMs: 1_000, now: T0 })).map((j) => j.id)).toEqual([mine?.id]);
    const keysA = new Set(await raw.keys(`{${p}:*`));
    const keysB = await raw.keys(`{${p}.x:*`);
    expect(keysB.filter((k) => keysA.has(k))).toEqual([]);
  });

  it('describes itself as plain JSON, also when given a client, and leaves that client open', async () => {
    const prefix = `${base}-client`;
    const client = new Redis({ ...SERVER, db: 0, retryStrategy: () => 50 });
    const s = await RedisStorage.open({ connection: client, prefix });
    const descriptor = s.describe();
    expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
    expect(descriptor.options).toMatchObject({ prefix, migrate: false, connection: { host: '127.0.0.1', port: 6379, db: 0 } });
    await s.upsertQueue({ name: 'q', concurrency: 3, now: T0 });
    const again = await RedisStorage.fromDescriptor(descriptor.options);
    expect((await again.getQueue('q'))?.concurrency).toBe(3);
    await again.close();
    await s.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it("uses the app's own client from another copy of ioredis (5.x), keeping its database", async () => {
    const { Redis: Redis5 } = await import('ioredis5');
    const prefix = `${base}-foreign`;
    const client = new Redis5({ ...SERVER, db: 5 });
    const s = await RedisStorage.open({ connection: client as never, prefix });
    try {
      expect(s.describe().options).toMatchObject({ connection: { db: 5 } });
      await s.upsertQueue({ name: 'q', concurrency: 2, now: T0 });
      const in5 = new Redis({ ...SERVER, db: 5 });
      const in0 = new Redis({ ...SERVER, db: 0 });
      expect(await in5.keys(`{${prefix}:*`)).not.toEqual([]);
      expect(await in0.keys(`{${prefix}:*`)).toEqual([]);
      await in5.del(...(await in5.keys(`*${prefix}*`)));
      in5.disconnect();
      in0.disconnect();
    } finally {
      await s.close();
    }
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});

describe.runIf(available)('redis notifier: events only while someone elsewhere listens', () => {
  it('publishes no queue event while no other process listens, and every one once a QueueEvents does', async () => {
    const { s, prefix } = await fresh();
    const spy = new Redis(SERVER);
    const seen: string[] = [];
    spy.on('message', (_channel: string, message: string) => seen.push((JSON.parse(message) as { notice: { kind: string } }).notice.kind));
    await spy.subscribe(`${prefix}:notices:q`);
    try {
      for (let i = 0; i < 5; i++) s.notifier.publish({ queue: 'q', kind: 'event', event: 'job:progress', data: i });
      s.notifier.publish({ queue: 'q', kind: 'added' });
      // The added notice arrives (however slowly a loaded machine delivers it); no event follows it.
      await expect.poll(() => seen.includes('added'), { timeout: 5_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(['added']);
      const other = await RedisStorage.open({ connection: SERVER, prefix });
      opened.push(other);
      const off = other.notifier.subscribe('q', () => undefined, { remote: true });
      await new Promise((r) => setTimeout(r, 700)); // past the publisher's 500 ms answer cache
      for (let i = 0; i < 5; i++) s.notifier.publish({ queue: 'q', kind: 'event', event: 'job:progress', data: i });
      await expect.poll(() => seen.filter((k) => k === 'event').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
      expect(seen.filter((k) => k === 'event')).toHaveLength(5);
      off();
    } finally {
      spy.disconnect();
    }
  });
});
