/**
 * Group weights on Redis (lua/lib/weights.lua): what the contract cannot see. A grouped queue
 * without stored weights writes no weight key and no used count (its claims take the rotation's
 * unweighted path); a round's used count lives in `{q}:tused:<p>` tied to the group's stamp; and a
 * spell without weights, whose claims write no used count, leaves the counts exactly as
 * MemoryStorage has them once weights come back. The weighted rules themselves are the
 * contract's `groups: weights` and randomised areas.
 */
import { randomBytes } from 'node:crypto';
import { MemoryStorage, type NewJob, type Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { deleteKeys } from './harness.js';
import { ping, SERVER } from './servers.js';

const available = await ping(SERVER.host, SERVER.port);
const base = `wl-gweights-${randomBytes(4).toString('hex')}`;
let counter = 0;
const opened: Storage[] = [];

async function fresh(): Promise<{ s: RedisStorage; tag: string }> {
  const prefix = `${base}-${++counter}`;
  const s = await RedisStorage.open({ connection: SERVER, prefix });
  opened.push(s);
  return { s, tag: `{${prefix}:q}` };
}

const jobs = (group: string, n: number, priority = 2): NewJob[] =>
  Array.from({ length: n }, (_, i) => newJob({ id: `${group}${priority}-${i}`, name: `${group}${i}`, group, priority }));
const add = (s: Storage, batch: NewJob[]) => s.enqueue({ queue: 'q', jobs: batch, now: T0 });
const claimNames = async (s: Storage, limit: number) => (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now: T0 })).map((j) => j.name);
const weigh = (s: Storage, group: string, weight: number | null) => s.setGroup?.({ queue: 'q', group, settings: weight === null ? null : { weight }, now: T0 });

/** Every queued job's position, by id. */
async function positions(s: Storage): Promise<Record<string, number | null>> {
  const queued = (await s.listJobs({ queue: 'q', states: ['queued'], limit: 100 })).items;
  const out: Record<string, number | null> = {};
  for (const job of queued) out[job.id] = await s.getPosition({ queue: 'q', id: job.id, now: T0 });
  return out;
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  if (!available) return;
  const raw = new Redis(SERVER);
  await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
  await raw.quit();
});

describe.runIf(available)('redis group weights', () => {
  it('a grouped queue without stored weights writes no weight key and no used count', async () => {
    const { s, tag } = await fresh();
    await add(s, [...jobs('a', 3), ...jobs('b', 2)]);
    expect(await claimNames(s, 3)).toEqual(['a0', 'b0', 'a1']);
    await positions(s);
    const raw = new Redis(SERVER);
    expect(await raw.exists(`${tag}:gweights`)).toBe(0);
    expect(await raw.keys(`${tag}:tused:*`)).toEqual([]);
    await raw.quit();
  });

  it('keeps weights in {q}:gweights and a round in {q}:tused:<p> under the group stamp', async () => {
    const { s, tag } = await fresh();
    await weigh(s, 'a', 3);
    await add(s, [...jobs('a', 4), ...jobs('b', 1)]);
    const raw = new Redis(SERVER);
    expect(await raw.hgetall(`${tag}:gweights`)).toEqual({ a: '3' });
    expect(await claimNames(s, 2)).toEqual(['a0', 'a1']);
    const stamp = await raw.zscore(`${tag}:turns:2`, 'a');
    expect(await raw.hget(`${tag}:tused:2`, 'a')).toBe(`${stamp}:2`);
    expect(await claimNames(s, 1)).toEqual(['a2']);
    expect(await raw.exists(`${tag}:tused:2`)).toBe(0);
    expect(Number(await raw.zscore(`${tag}:turns:2`, 'a'))).toBeGreaterThan(Number(await raw.zscore(`${tag}:turns:2`, 'b')));
    await weigh(s, 'a', null);
    expect(await raw.exists(`${tag}:gweights`)).toBe(0);
    await raw.quit();
  });

  it('a spell without weights leaves the rounds as MemoryStorage has them when weights return', async () => {
    const { s, tag } = await fresh();
    const pair: Storage[] = [s, new MemoryStorage()];
    opened.push(pair[1] as Storage);
    const both = async <T>(f: (st: Storage) => Promise<T>): Promise<T[]> => Promise.all(pair.map(f));
    const same = async <T>(f: (st: Storage) => Promise<T>) => {
      const [got, want] = await both(f);
      expect(got).toEqual(want);
      return got as T;
    };
    await both(async (st) => {
      await weigh(st, 'a', 3);
      await weigh(st, 'b', 2);
      await add(st, [...jobs('a', 5), ...jobs('b', 4), ...jobs('c', 2)]);
    });
    expect(await same((st) => claimNames(st, 4))).toEqual(['a0', 'a1', 'a2', 'b0']);
    // No weights: b keeps its begun round (used 1) while a claim serves another level only.
    await both(async (st) => {
      await weigh(st, 'a', null);
      await weigh(st, 'b', null);
      await add(st, jobs('c', 1, 5));
    });
    expect(await same((st) => claimNames(st, 1))).toEqual(['c0']);
    await both(async (st) => weigh(st, 'b', 2));
    await same(positions);
    // Without weights again, b is served: its new stamp starts a round at 0, though no used count was written.
    await both(async (st) => weigh(st, 'b', null));
    expect(await same((st) => claimNames(st, 1))).toEqual(['b1']);
    const raw = new Redis(SERVER);
    expect(await raw.hget(`${tag}:tused:2`, 'b')).toMatch(/^\d+:1$/);
    await raw.quit();
    await both(async (st) => {
      await weigh(st, 'a', 3);
      await weigh(st, 'b', 2);
    });
    await same(positions);
    await same((st) => claimNames(st, 100));
  });
});
