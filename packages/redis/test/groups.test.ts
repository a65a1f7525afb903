/**
 * Groups on Redis (docs/design/groups.md, "Redis"): the key layout of a grouped queue, a queue
 * that never sees a group writing no group key, lost turns, counts and removals. The shared
 * behaviour, randomised runs against MemoryStorage included, is the contract's `groups` areas
 * (contract.test.ts).
 */
import { randomBytes } from 'node:crypto';
import type { JobRecord, NewJob } from '@waitline/core';
import { newJob, seededRandom as random, T0 } from '@waitline/storage-contract';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { deleteKeys } from './harness.js';
import { ping, SERVER } from './servers.js';

const available = await ping(SERVER.host, SERVER.port);
const base = `wl-groups-${randomBytes(4).toString('hex')}`;
let counter = 0;
const opened: RedisStorage[] = [];

async function fresh(): Promise<{ s: RedisStorage; prefix: string }> {
  const prefix = `${base}-${++counter}`;
  const s = await RedisStorage.open({ connection: SERVER, prefix });
  opened.push(s);
  return { s, prefix };
}

const add = async (s: RedisStorage, jobs: NewJob[], now = T0) => (await s.enqueue({ queue: 'q', jobs, now })).jobs;
const claimIds = async (s: RedisStorage, limit: number, now = T0) =>
  (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now })).map((j) => j.name);
const named = (name: string, group: string | null, more: Partial<NewJob> = {}) => newJob({ name, group, ...more });

/** Every queued job's position at `now` agrees with its inputs, and sorting by it lists 1..n. */
async function readyOrder(s: RedisStorage, jobs: readonly JobRecord[], now: number): Promise<string[]> {
  const read = (id: string, aheadListLimit: number) =>
    s.getPositionInputs({ queue: 'q', id, now, aheadListLimit, aheadWorkLimit: 5, dueAheadLimit: 100, sampleLimit: 0, workerStaleMs: 1 });
  const placed: Array<{ name: string; position: number }> = [];
  for (const job of jobs) {
    const position = await s.getPosition({ queue: 'q', id: job.id, now });
    const inputs = await read(job.id, 200);
    expect(inputs?.ahead ?? null).toBe(position === null ? null : position - 1);
    if (position !== null) placed.push({ name: job.name, position });
  }
  placed.sort((a, b) => a.position - b.position);
  expect(placed.map((p) => p.position)).toEqual(placed.map((_, i) => i + 1));
  const order = placed.map((p) => p.name);
  for (const job of jobs) {
    const inputs = await read(job.id, 200);
    if (inputs?.ahead === null || inputs === null) continue;
    // The same jobs; higher levels are listed by the plain ordering rule, so compare as sets.
    const ahead = order.slice(0, inputs.ahead).sort();
    expect(inputs.aheadJobs?.map((j) => j.name).sort()).toEqual(ahead);
    expect(inputs.aheadWorkOf).toBeLessThanOrEqual(5);
    expect(inputs.aheadWork.reduce((n, w) => n + w.count, 0)).toBe(inputs.aheadWorkOf);
    // Without the list, the script reads only the first complete rounds; the work is the same.
    const bounded = await read(job.id, 0);
    expect(bounded?.aheadJobs ?? null).toEqual(inputs.ahead === 0 ? [] : null);
    expect({ work: bounded?.aheadWork, of: bounded?.aheadWorkOf }).toEqual({ work: inputs.aheadWork, of: inputs.aheadWorkOf });
  }
  return order;
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  if (!available) return;
  const raw = new Redis(SERVER);
  await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
  await raw.quit();
});

describe.runIf(available)('redis groups', () => {
  it('a queue that never sees a group writes no group key and no grouped flag', async () => {
    const { s, prefix } = await fresh();
    await add(s, [named('x', null), named('y', null, { runAt: T0 + 10 })]);
    await claimIds(s, 1);
    const raw = new Redis(SERVER);
    const keys = await raw.keys(`{${prefix}:q}:*`);
    expect(keys.filter((k) => /:(gq|glvl|glevels|turns|tseq)\b/.test(k))).toEqual([]);
    expect(await raw.hget(`{${prefix}:q}:config`, 'grouped')).toBeNull();
    await raw.quit();
  });

  it('keeps a named group in {q}:gq:<p>:<group> and the turns in {q}:turns:<p>, under the hash tag', async () => {
    const { s, prefix } = await fresh();
    await add(s, [named('u', null)]);
    await add(s, [named('a1', 'a'), named('a2', 'a', { runAt: T0 + 100 })]);
    const raw = new Redis(SERVER);
    expect(await raw.hget(`{${prefix}:q}:config`, 'grouped')).toBe('1');
    expect(await raw.zcard(`{${prefix}:q}:gq:2:a`)).toBe(2);
    expect(await raw.zrange(`{${prefix}:q}:turns:2`, '0', '-1')).toEqual(['', 'a']);
    await raw.quit();
    const [job] = await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: T0 });
    expect(job?.group).toBeNull();
    const [next] = await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: T0 });
    expect(next?.group).toBe('a');
  });

  it('counts, cancels and removals see grouped jobs; a removal leaves no job in the group keys', async () => {
    const { s, prefix } = await fresh();
    const [a0, , u0] = await add(s, [named('a0', 'a'), named('a1', 'a', { runAt: T0 + 100 }), named('u0', null)]);
    const stats = await s.getStats({ queue: 'q', now: T0, windowsMs: [], sampleLimit: 0, workerStaleMs: 1 });
    expect(stats.counts).toMatchObject({ queued: 3, ready: 2, scheduled: 1 });
    await s.cancel({ queue: 'q', id: a0?.id ?? '', now: T0 });
    expect(await s.getPosition({ queue: 'q', id: u0?.id ?? '', now: T0 })).toBe(1);
    expect(await s.removeJobs({ queue: 'q', states: ['queued'], limit: 10 })).toBe(2);
    const raw = new Redis(SERVER);
    expect(await raw.exists(`{${prefix}:q}:gq:2:a`, `{${prefix}:q}:glvl:2`, `{${prefix}:q}:glevels`)).toBe(0);
    await raw.quit();
    expect(await claimIds(s, 5, T0 + 1_000)).toEqual([]);
  });

  it('a level whose turns were lost still serves its ready jobs', async () => {
    const { s, prefix } = await fresh();
    await add(s, [named('u0', null), named('a0', 'a')]);
    const raw = new Redis(SERVER);
    await raw.del(`{${prefix}:q}:turns:2`);
    await raw.quit();
    expect((await claimIds(s, 5)).sort()).toEqual(['a0', 'u0']);
  });

  it('a group with 5 waiting and a group with 1 alternate; positions say so first', async () => {
    const { s } = await fresh();
    const jobs = await add(
      s,
      [1, 2, 3, 4, 5].map((i) => named(`a${i}`, 'a')),
    );
    jobs.push(...(await add(s, [named('b1', 'b')])));
    expect(await readyOrder(s, jobs, T0)).toEqual(['a1', 'b1', 'a2', 'a3', 'a4', 'a5']);
    expect(await claimIds(s, 2)).toEqual(['a1', 'b1']);
    expect(await claimIds(s, 1)).toEqual(['a2']);
  });

  it('a batch claim equals that many single claims, settle-and-claim included', async () => {
    const specs = (r: () => number) =>
      Array.from({ length: 24 }, (_, i) => named(`j${i}`, [null, 'a', 'b', 'c'][Math.floor(r() * 4)] ?? null, { priority: 1 + Math.floor(r() * 2) }));
    const one = await fresh();
    const many = await fresh();
    for (const { s } of [one, many]) {
      const r = random(7);
      for (let i = 0; i < 4; i++)
        await add(
          s,
          specs(r)
            .slice(i * 6, i * 6 + 6)
            .map((j) => ({ ...j, id: `${j.name}-${i}` })),
        );
    }
    const single: string[] = [];
    for (let i = 0; i < 24; i++) single.push(...(await claimIds(one.s, 1)));
    const batch = [...(await claimIds(many.s, 10)), ...(await claimIds(many.s, 14))];
    expect(batch).toEqual(single);
  });
});
