/**
 * Group rate limits on Redis (lua/lib/group-holds.lua): what the contract cannot see. A queue
 * without a groupRateLimit writes no rate key; with one, each named group's starts are logged in
 * `{q}:grate:<group>` (listed in `{q}:grates`), removing the limit deletes every log, and claims
 * forget the logs of groups that stopped starting. Claims and `nextStartAt` equal MemoryStorage's
 * under random work. The shared rules are the contract's `groups: groupRateLimit` area.
 */
import { type JobRecord, MemoryStorage, type NewJob, type QueueRateLimit, type Storage } from '@waitline/core';
import { seededRandom as random, T0 } from '@waitline/storage-contract';
import { describe, expect, it } from 'vitest';
import { groupServer, named as namedJob } from './group-fixtures.js';

const named = (name: string, group: string | null, priority = 2): NewJob => namedJob(name, group, { priority });

const { available, raw, fresh } = await groupServer('grate');

const jobs = (group: string, n: number) => Array.from({ length: n }, (_, i) => named(`${group}${i}`, group));
const add = (s: Storage, batch: NewJob[], now = T0) => s.enqueue({ queue: 'q', jobs: batch, now });
const claimNames = async (s: Storage, limit: number, now = T0) =>
  (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now })).map((j) => j.name);
const rateKeys = async (tag: string) => ((await raw?.keys(`${tag}:grate*`)) ?? []).sort();

describe.runIf(available)('redis group rate limits', () => {
  it('a grouped queue without groupRateLimit writes no rate key', async () => {
    const { s, tag } = await fresh();
    await s.upsertQueue({ name: 'q', groupConcurrency: 5, now: T0 });
    await add(s, [...jobs('a', 2), named('u0', null)]);
    expect(await claimNames(s, 3)).toEqual(['a0', 'u0', 'a1']);
    expect(await rateKeys(tag)).toEqual([]);
  });

  it('logs each named start under its lease token, and removing the limit deletes every log', async () => {
    const { s, tag } = await fresh();
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 2, intervalMs: 1_000 }, now: T0 });
    await add(s, [...jobs('a', 3), ...jobs('b', 1), named('u0', null)]);
    const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: 10, leaseMs: 60_000, now: T0 });
    expect(claimed.map((j) => j.name)).toEqual(['a0', 'b0', 'u0', 'a1']);
    expect(await rateKeys(tag)).toEqual([`${tag}:grate:a`, `${tag}:grate:b`, `${tag}:grates`]);
    const token = (name: string) => (claimed.find((j) => j.name === name) as JobRecord).leaseToken;
    // Equal scores sort by member.
    const logged = [token('a0'), token('a1')].sort().flatMap((t) => [t, String(T0)]);
    expect(await raw?.zrange(`${tag}:grate:a`, '0', '-1', 'WITHSCORES')).toEqual(logged);
    expect(await raw?.zrange(`${tag}:grates`, '0', '-1', 'WITHSCORES')).toEqual(['a', String(T0), 'b', String(T0)]);
    // Replacing the limit keeps the logs; removing it deletes them.
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 3, intervalMs: 1_000 }, now: T0 });
    expect(await rateKeys(tag)).toHaveLength(3);
    await s.upsertQueue({ name: 'q', groupRateLimit: null, now: T0 });
    expect(await rateKeys(tag)).toEqual([]);
  });

  it('claims forget the logs of groups whose starts all left the window, a few per claim', async () => {
    const { s, tag } = await fresh();
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 1, intervalMs: 100 }, now: T0 });
    const groups = Array.from({ length: 12 }, (_, i) => `g${i}`);
    await add(
      s,
      groups.map((g) => named(`${g}-0`, g)),
    );
    expect(await claimNames(s, 20)).toHaveLength(12);
    expect(await raw?.zcard(`${tag}:grates`)).toBe(12);
    await add(s, [named('late', 'z')], T0 + 50);
    // At T0 + 100 every g-start left the window: one claim forgets 8 groups, the next the rest.
    expect(await claimNames(s, 1, T0 + 100)).toEqual(['late']);
    expect(await raw?.zcard(`${tag}:grates`)).toBe(5);
    expect(await claimNames(s, 1, T0 + 101)).toEqual([]);
    expect(await raw?.zrange(`${tag}:grates`, '0', '-1')).toEqual(['z']);
    expect(await rateKeys(tag)).toEqual([`${tag}:grate:z`, `${tag}:grates`]);
  });

  it('claims and nextStartAt equal MemoryStorage’s under random work with group rate limits', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const { s } = await fresh();
      const pair: Storage[] = [s, new MemoryStorage()];
      const r = random(900 + seed);
      let now = T0;
      let next = 0;
      for (let k = 0; k < 40; k++) {
        const plan = randomStep(r, () => `n${next++}`);
        const results: string[] = [];
        for (const storage of pair) results.push(JSON.stringify(await applyStep(storage, plan, now)));
        expect({ seed, k, got: results[0] }).toEqual({ seed, k, got: results[1] });
        now += Math.floor(r() * 40);
      }
      await pair[1]?.close();
    }
  });
});

interface Step {
  config: { groupRateLimit?: QueueRateLimit | null; groupConcurrency?: number | null } | null;
  batch: NewJob[];
  finish: number;
  limit: number;
}

const LIMITS: Array<QueueRateLimit | null> = [null, { max: 1, intervalMs: 50 }, { max: 2, intervalMs: 80 }, { max: 3, intervalMs: 30 }];

function randomStep(r: () => number, name: () => string): Step {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const config = r() < 0.2 ? { groupRateLimit: pick(LIMITS), ...(r() < 0.3 ? { groupConcurrency: pick([null, 1, 2]) } : {}) } : null;
  const batch = Array.from({ length: Math.floor(r() * 4) }, () => named(name(), pick(['a', 'b', 'c', null]), pick([1, 2])));
  return { config, batch, finish: Math.floor(r() * 3), limit: 1 + Math.floor(r() * 4) };
}

/** Applies a step to one storage; what it claimed and reported, as comparable data. */
async function applyStep(s: Storage, plan: Step, now: number): Promise<unknown> {
  if (plan.config !== null) await s.upsertQueue({ name: 'q', ...plan.config, now });
  if (plan.batch.length > 0) await s.enqueue({ queue: 'q', jobs: plan.batch, now });
  const running = (await s.listJobs({ queue: 'q', states: ['running'], limit: 1_000, order: 'asc' })).items.slice(0, plan.finish);
  const completed = running.map((job) => ({ id: job.id, leaseToken: job.leaseToken ?? '', result: null }));
  const step = await s.settle({ queue: 'q', now, completed, claim: { workerId: 'w', limit: plan.limit, leaseMs: 60_000 } });
  return { claimed: step.claimed.map((j) => j.name), nextStartAt: step.nextStartAt ?? null };
}
