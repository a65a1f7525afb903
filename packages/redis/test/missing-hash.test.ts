/**
 * A job hash gone while the queue's sets still name it: what an eviction does under any
 * `maxmemory-policy` but noeviction (the storage warns about it at open), or a hand deletion. A
 * claim, a lease sweep and a listing drop the stale entries and go on with the other jobs: before,
 * the claim failed after popping members it then lost, and the sweep wrote a partial hash.
 */
import { randomBytes } from 'node:crypto';
import { LEASE_MS, newJob, T0 } from '@waitline/storage-contract';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { deleteKeys } from './harness.js';
import { missingServer, ping, SERVER } from './servers.js';

const available = await ping(SERVER.host, SERVER.port);
if (!available) missingServer('Redis at 127.0.0.1:6379', 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');

const base = `wl-gone-${randomBytes(4).toString('hex')}`;
let counter = 0;
const opened: RedisStorage[] = [];

describe.runIf(available)('redis: a job hash that is gone', () => {
  const raw = available ? new Redis(SERVER) : (null as unknown as Redis);
  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
    await raw.quit();
  });

  async function fresh() {
    const prefix = `${base}-${++counter}`;
    const s = await RedisStorage.open({ connection: SERVER, prefix });
    opened.push(s);
    return { s, hashOf: (id: string) => `{${prefix}:q}:j:${id}` };
  }

  /** A fresh storage with three jobs queued in "q" (of `group` when given); the second one's hash deleted. */
  async function withGone(group?: string) {
    const { s, hashOf } = await fresh();
    const jobs = (await s.enqueue({ queue: 'q', jobs: Array.from({ length: 3 }, () => newJob(group ? { group } : {})), now: T0 })).jobs;
    const ids = jobs.map((j) => j.id);
    await raw.del(hashOf(ids[1] as string));
    return { s, ids, gone: ids[1] as string };
  }

  const listed = async (s: RedisStorage) => (await s.listJobs({ queue: 'q', limit: 10, offset: 0, order: 'asc' })).items.map((j) => j.id);
  const counts = async (s: RedisStorage, now: number) => (await s.getStats({ queue: 'q', now, windowsMs: [], sampleLimit: 0, workerStaleMs: 15_000 })).counts;

  it('a listing leaves it out; a claim skips it, leases the others and forgets it', async () => {
    const { s, ids, gone } = await withGone();
    expect(await listed(s)).toEqual([ids[0], ids[2]]);
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 3, leaseMs: LEASE_MS, now: T0 + 1 });
    expect(claimed.map((j) => [j.id, j.state])).toEqual([
      [ids[0], 'running'],
      [ids[2], 'running'],
    ]);
    expect(await listed(s)).toEqual([ids[0], ids[2]]);
    expect(await s.getJob({ queue: 'q', id: gone })).toBeNull();
    expect(await counts(s, T0 + 1)).toMatchObject({ queued: 0, running: 2 });
  });

  it('a claim of a grouped queue skips it the same way', async () => {
    const { s, ids } = await withGone('g');
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 3, leaseMs: LEASE_MS, now: T0 + 1 });
    expect(claimed.map((j) => j.id)).toEqual([ids[0], ids[2]]);
    expect(await counts(s, T0 + 1)).toMatchObject({ queued: 0, running: 2 });
  });

  it('a lease sweep drops its running entry, writes no hash, and moves the others on', async () => {
    const { s, hashOf } = await fresh();
    const ids = (await s.enqueue({ queue: 'q', jobs: [newJob(), newJob()], now: T0 })).jobs.map((j) => j.id);
    await s.claim({ queue: 'q', workerId: 'w', limit: 2, leaseMs: LEASE_MS, now: T0 + 1 });
    await raw.del(hashOf(ids[1] as string));
    const later = T0 + 2 + LEASE_MS;
    const moved = await s.reclaimExpired({ queue: 'q', now: later, error: { name: 'LeaseExpired', message: 'lease ran out' } });
    expect(moved.map((j) => [j.id, j.state])).toEqual([[ids[0], 'queued']]);
    expect(await raw.exists(hashOf(ids[1] as string))).toBe(0);
    expect(await listed(s)).toEqual([ids[0]]);
    expect(await counts(s, later)).toMatchObject({ queued: 1, running: 0 });
  });
});
