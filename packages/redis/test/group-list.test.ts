/**
 * `listGroups` on Redis (docs/design/groups.md, increment 6): names in byte order (= code-point
 * order, not UTF-16 code-unit order), a turn stamp that outlived its group's jobs lists nothing,
 * running counts from `{q}:grun` (with `groupConcurrency`) or the running set (without) agree, and
 * pages equal MemoryStorage's under random work. The shared rules are the contract's
 * `groups-list` area (contract.test.ts).
 */
import { type GroupCounts, MemoryStorage, type NewJob, type Storage } from '@waitline/core';
import { seededRandom as random, T0 } from '@waitline/storage-contract';
import { describe, expect, it } from 'vitest';
import { groupServer, named } from './group-fixtures.js';

const { available, raw, fresh } = await groupServer('glist');

const claim = (s: Storage, limit: number, now = T0) => s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now });

/** Every page of the queue's groups at `now`, `limit` at a time, as the names and counts seen. */
async function walk(s: Storage, now: number, limit: number): Promise<GroupCounts[][]> {
  const pages: GroupCounts[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await (s.listGroups as NonNullable<Storage['listGroups']>)({ queue: 'q', now, limit, ...(after === undefined ? {} : { after }) });
    pages.push(page.items);
    if (page.nextAfter === null) return pages;
    after = page.nextAfter;
  }
}

describe.runIf(available)('redis listGroups', () => {
  it('orders names by code point (UTF-8 bytes), a prefix before its extensions', async () => {
    const { s } = await fresh();
    const groups = ['😀', '～', 'é', 'ab', 'a', 'B'];
    await s.enqueue({ queue: 'q', now: T0, jobs: groups.map((g, i) => named(`j${i}`, g)) });
    const names = (await walk(s, T0, 2)).map((page) => page.map((g) => g.group));
    // UTF-16 code units would put '😀' (D83D DE00) before '～' (FF5E).
    expect(names).toEqual([
      ['B', 'a'],
      ['ab', 'é'],
      ['～', '😀'],
    ]);
  });

  it('a stamp left by a cancelled or removed job lists nothing; one beside a weight lists the weight', async () => {
    const { s, tag } = await fresh();
    await s.enqueue({ queue: 'q', now: T0, jobs: [named('a0', 'a'), named('b0', 'b'), named('c0', 'c')] });
    await s.cancel({ queue: 'q', id: 'a0', now: T0 });
    await s.cancel({ queue: 'q', id: 'c0', now: T0 });
    await s.removeJobs({ queue: 'q', states: ['queued'], limit: 10 });
    await s.setGroup?.({ queue: 'q', group: 'c', settings: { weight: 4 }, now: T0 });
    expect(await raw?.zrange(`${tag}:turns:2`, '0', '-1')).toEqual(['a', 'b', 'c']);
    expect(await walk(s, T0, 1)).toEqual([[{ group: 'c', ready: 0, scheduled: 0, running: 0, weight: 4 }]]);
  });

  it('counts running jobs alike with groupConcurrency ({q}:grun) and without (the running set)', async () => {
    const { s } = await fresh();
    await s.enqueue({ queue: 'q', now: T0, jobs: [named('a0', 'a'), named('a1', 'a'), named('b0', 'b'), named('u0', null), named('a2', 'a')] });
    await claim(s, 4);
    const without = await walk(s, T0, 10);
    expect(without).toEqual([
      [
        { group: 'a', ready: 1, scheduled: 0, running: 2, weight: 1 },
        { group: 'b', ready: 0, scheduled: 0, running: 1, weight: 1 },
      ],
    ]);
    await s.upsertQueue({ name: 'q', groupConcurrency: 5, now: T0 });
    expect(await walk(s, T0, 10)).toEqual(without);
  });

  it('pages equal MemoryStorage’s under random work', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { s } = await fresh();
      const pair: Storage[] = [s, new MemoryStorage()];
      const r = random(900 + seed);
      let now = T0;
      for (let k = 0; k < 25; k++) {
        const plan = randomStep(r, now, k);
        for (const storage of pair) await applyStep(storage, plan, now);
        const limit = 1 + Math.floor(r() * 3);
        const [got, want] = await Promise.all(pair.map((storage) => walk(storage, now + 7, limit)));
        expect({ seed, k, got }).toEqual({ seed, k, got: want });
        now += 10;
      }
      await pair[1]?.close();
    }
  }, 120_000);
});

interface StepPlan {
  cap: number | null | undefined;
  weight: { group: string; weight: number | null } | null;
  batch: NewJob[];
  take: number;
  cancel: number | null;
  complete: number | null;
}

const GROUPS = [null, 'a', 'ab', 'é', '😀'];

/** One random step: maybe a cap or a weight, a batch, a claim, a cancel of a queued job and a completion. */
function randomStep(r: () => number, now: number, k: number): StepPlan {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const batch = Array.from({ length: Math.floor(r() * 4) }, (_, i) =>
    named(`n${k}-${i}`, pick(GROUPS), { priority: 1 + Math.floor(r() * 3), runAt: now + pick([0, 0, 5, 30]) }),
  );
  return {
    cap: r() < 0.15 ? pick([null, 2, 5]) : undefined,
    weight: r() < 0.2 ? { group: pick(GROUPS.slice(1)) as string, weight: pick([null, 1, 3]) } : null,
    batch,
    take: Math.floor(r() * 3),
    cancel: r() < 0.4 ? r() : null,
    complete: r() < 0.5 ? r() : null,
  };
}

/** Applies a step to one storage. */
async function applyStep(s: Storage, plan: StepPlan, now: number): Promise<void> {
  if (plan.cap !== undefined) await s.upsertQueue({ name: 'q', groupConcurrency: plan.cap, now });
  if (plan.weight !== null) {
    const { group, weight } = plan.weight;
    await s.setGroup?.({ queue: 'q', group, settings: weight === null ? null : { weight }, now });
  }
  if (plan.batch.length > 0) await s.enqueue({ queue: 'q', now, jobs: plan.batch });
  await claim(s, plan.take, now + 1);
  const list = async (state: 'queued' | 'running') => (await s.listJobs({ queue: 'q', states: [state], limit: 1_000, order: 'asc' })).items;
  if (plan.cancel !== null) {
    const queued = await list('queued');
    const job = queued[Math.floor(plan.cancel * queued.length)];
    if (job !== undefined) await s.cancel({ queue: 'q', id: job.id, now: now + 2 });
  }
  if (plan.complete !== null) {
    const running = await list('running');
    const job = running[Math.floor(plan.complete * running.length)];
    if (job !== undefined) await s.settle({ queue: 'q', now: now + 2, completed: [{ id: job.id, leaseToken: job.leaseToken ?? '', result: null }] });
  }
}
