/**
 * Per-group caps on Redis (docs/design/groups.md, increment 4): the running counts `{q}:grun` are
 * exact while a queue has `groupConcurrency` (built when the cap is set, kept by every lease and
 * every exit from running), a queue without the cap writes none of it, and claims, refusals and
 * counts equal MemoryStorage's under random work. The shared rules are the contract's
 * `groups-limits` area (contract.test.ts).
 */
import { GroupFullError, type JobRecord, MemoryStorage, type NewJob, type Storage } from '@waitline/core';
import { seededRandom as random, T0 } from '@waitline/storage-contract';
import { describe, expect, it } from 'vitest';
import { groupServer, named } from './group-fixtures.js';

const { available, raw, fresh } = await groupServer('glimits');

const claim = (s: Storage, limit: number, now = T0, leaseMs = 60_000) => s.claim({ queue: 'q', workerId: 'w', limit, leaseMs, now });
const running = async (s: Storage) => (await s.listJobs({ queue: 'q', states: ['running'], limit: 1_000, order: 'asc' })).items;
/** Completes, acknowledges the cancel of, or releases one running job. */
function settleOne(s: Storage, now: number, kind: 'completed' | 'cancelled' | 'released', job: JobRecord) {
  const lease = { id: job.id, leaseToken: job.leaseToken ?? '' };
  if (kind === 'completed') return s.settle({ queue: 'q', now, completed: [{ ...lease, result: null }] });
  if (kind === 'cancelled') return s.settle({ queue: 'q', now, cancelled: [{ ...lease, error: null }] });
  return s.settle({ queue: 'q', now, released: [lease] });
}
const failOne = (s: Storage, now: number, job: JobRecord, retryAt: number | null) =>
  s.settle({
    queue: 'q',
    now,
    failed: [{ id: job.id, leaseToken: job.leaseToken ?? '', error: { name: 'E', message: 'x', attempt: job.attempt, at: now }, retryAt }],
  });

/** The named groups' running jobs, counted on the running jobs themselves. */
async function runningByGroup(s: Storage): Promise<Record<string, string>> {
  const counts: Record<string, string> = {};
  for (const job of await running(s)) if (job.group !== null) counts[job.group] = String(Number(counts[job.group] ?? '0') + 1);
  return counts;
}

/** `{q}:grun` equals the leases marked as counted (job field `grun`), and those are running. */
async function expectCountsMatchMarks(tag: string, s: Storage): Promise<void> {
  const marked: Record<string, string> = {};
  for (const job of await running(s)) {
    const group = await raw?.hget(`${tag}:j:${job.id}`, 'grun');
    if (group) marked[group] = String(Number(marked[group] ?? '0') + 1);
  }
  expect(await raw?.hgetall(`${tag}:grun`)).toEqual(marked);
}

describe.runIf(available)('redis group limits', () => {
  it('a grouped queue without groupConcurrency writes no running count and marks no lease', async () => {
    const { s, tag } = await fresh();
    await s.upsertQueue({ name: 'q', groupMaxWaiting: 5, now: T0 });
    await s.enqueue({ queue: 'q', now: T0, jobs: [named('a0', 'a'), named('a1', 'a'), named('u0', null)] });
    const claimed = await claim(s, 3);
    expect(claimed.map((j) => j.name)).toEqual(['a0', 'u0', 'a1']);
    await settleOne(s, T0 + 1, 'completed', claimed[0] as JobRecord);
    expect(await raw?.exists(`${tag}:grun`)).toBe(0);
    for (const job of claimed) expect(await raw?.hget(`${tag}:j:${job.id}`, 'grun')).toBeNull();
  });

  it('setting the cap counts the leases taken before it; every exit from running takes one off', async () => {
    const { s, tag } = await fresh();
    const jobs = ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2'].map((n) => named(n, n.slice(0, 1), { maxAttempts: 3 }));
    await s.enqueue({ queue: 'q', now: T0, jobs: [...jobs, named('u0', null)] });
    await claim(s, 4);
    await s.upsertQueue({ name: 'q', groupConcurrency: 3, now: T0 });
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual(await runningByGroup(s));
    expect((await claim(s, 10, T0 + 1, 5)).map((j) => j.name)).toEqual(['b1', 'a2', 'b2']);
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual({ a: '3', b: '3' });
    const byName = async (name: string) => (await running(s)).find((j) => j.name === name) as JobRecord;
    await settleOne(s, T0 + 2, 'completed', await byName('a0'));
    await failOne(s, T0 + 2, await byName('b0'), T0 + 3);
    await settleOne(s, T0 + 2, 'released', await byName('a1'));
    await s.cancel({ queue: 'q', id: 'u0', now: T0 + 2 });
    await settleOne(s, T0 + 2, 'cancelled', await byName('u0'));
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual(await runningByGroup(s));
    // b1, a2 and b2 were leased for 5 ms: the sweep takes them off too.
    const swept = await s.reclaimExpired({ queue: 'q', now: T0 + 10, error: { name: 'Stalled', message: 'lost' } });
    expect(swept.map((j) => j.name).sort()).toEqual(['a2', 'b1', 'b2']);
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual({});
    await expectCountsMatchMarks(tag, s);
  });

  it('removing the cap stops counting; setting it again counts afresh', async () => {
    const { s, tag } = await fresh();
    await s.upsertQueue({ name: 'q', groupConcurrency: 2, now: T0 });
    await s.enqueue({ queue: 'q', now: T0, jobs: ['a0', 'a1', 'a2', 'a3', 'a4'].map((n) => named(n, 'a')) });
    expect((await claim(s, 5)).map((j) => j.name)).toEqual(['a0', 'a1']);
    await s.upsertQueue({ name: 'q', groupConcurrency: null, now: T0 });
    expect((await claim(s, 1)).map((j) => j.name)).toEqual(['a2']);
    await settleOne(s, T0 + 1, 'completed', (await running(s))[0] as JobRecord);
    await expectCountsMatchMarks(tag, s);
    await s.upsertQueue({ name: 'q', groupConcurrency: 3, now: T0 });
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual({ a: '2' });
    expect((await claim(s, 5, T0 + 2)).map((j) => j.name)).toEqual(['a3']);
    await s.upsertQueue({ name: 'q', groupConcurrency: 1, now: T0 });
    expect(await raw?.hgetall(`${tag}:grun`)).toEqual({ a: '3' });
    await expectCountsMatchMarks(tag, s);
  });

  it('claims, refusals and running counts equal MemoryStorage’s under random work with caps', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const { s, tag } = await fresh();
      const pair: Storage[] = [s, new MemoryStorage()];
      const r = random(500 + seed);
      let now = T0;
      let next = 0;
      for (let k = 0; k < 30; k++) {
        const plan = randomStep(r, now, () => `n${next++}`);
        const results: string[] = [];
        for (const storage of pair) results.push(JSON.stringify(await applyStep(storage, plan, now)));
        expect({ seed, k, got: results[0] }).toEqual({ seed, k, got: results[1] });
        await expectCountsMatchMarks(tag, s);
        if ((await s.getQueue('q'))?.groupConcurrency) expect(await raw?.hgetall(`${tag}:grun`)).toEqual(await runningByGroup(s));
        now += 10;
      }
      await pair[1]?.close();
    }
  }, 120_000);
});

interface StepPlan {
  caps: { groupConcurrency?: number | null; groupMaxWaiting?: number | null } | null;
  batch: NewJob[];
  take: number;
  leaseMs: number;
  settle: Array<{ pick: number; kind: 'completed' | 'retry' | 'failed' | 'released' | 'cancelled' | 'claim' }>;
  sweep: boolean;
}

const KINDS = ['completed', 'retry', 'failed', 'released', 'cancelled', 'claim'] as const;

/** One random step: maybe new caps, a batch, a claim, some settles and maybe a sweep of expired leases. */
function randomStep(r: () => number, now: number, nextId: () => string): StepPlan {
  const caps = r() < 0.2 ? { groupConcurrency: [null, 1, 2][Math.floor(r() * 3)] ?? null, groupMaxWaiting: [null, 2, 4][Math.floor(r() * 3)] ?? null } : null;
  const batch = Array.from({ length: Math.floor(r() * 4) }, () => {
    const id = nextId();
    const group = [null, 'a', 'b', 'c'][Math.floor(r() * 4)] ?? null;
    return named(id, group, { priority: 1 + Math.floor(r() * 2), runAt: now + ([0, 0, 0, 15][Math.floor(r() * 4)] ?? 0), maxAttempts: 2 });
  });
  const settle = Array.from({ length: Math.floor(r() * 3) }, () => ({ pick: r(), kind: KINDS[Math.floor(r() * KINDS.length)] ?? 'completed' }));
  return { caps, batch, take: Math.floor(r() * 4), leaseMs: r() < 0.2 ? 5 : 60_000, settle, sweep: r() < 0.3 };
}

/** Applies a step to one storage; returns what it observed (names, refusals), equal across storages. */
async function applyStep(s: Storage, plan: StepPlan, now: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  if (plan.caps !== null) await s.upsertQueue({ name: 'q', ...plan.caps, now });
  try {
    await s.enqueue({ queue: 'q', now, jobs: plan.batch });
    seen.push('added');
  } catch (err) {
    if (!(err instanceof GroupFullError)) throw err;
    seen.push(['full', err.group, err.maxWaiting, err.index]);
  }
  seen.push((await claim(s, plan.take, now + 1, plan.leaseMs)).map((j) => j.name));
  for (const { pick, kind } of plan.settle) {
    const list = await running(s);
    const job = list[Math.floor(pick * list.length)];
    if (job === undefined) continue;
    if (kind === 'claim') {
      const r = await s.settle({
        queue: 'q',
        now: now + 2,
        completed: [{ id: job.id, leaseToken: job.leaseToken ?? '', result: null }],
        claim: { workerId: 'w', limit: 2, leaseMs: 60_000 },
      });
      seen.push(r.claimed.map((j) => j.name));
    } else if (kind === 'retry' || kind === 'failed') {
      await failOne(s, now + 2, job, kind === 'retry' ? now + 3 : null);
    } else {
      if (kind === 'cancelled') await s.cancel({ queue: 'q', id: job.id, now: now + 2 });
      await settleOne(s, now + 2, kind, job);
    }
  }
  if (plan.sweep) seen.push((await s.reclaimExpired({ queue: 'q', now: now + 9, error: { name: 'Stalled', message: 'lost' } })).map((j) => j.name).sort());
  seen.push((await running(s)).map((j) => j.name).sort());
  return seen;
}
