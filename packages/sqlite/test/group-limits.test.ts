/**
 * groupConcurrency and groupMaxWaiting on SQLite beyond the shared contract: on random grouped
 * queues (groups, levels, delayed jobs, idempotency keys, batches, settle-and-claim, caps changed
 * midway) SQLite answers exactly as MemoryStorage, the reference; a queue without caps runs none
 * of the cap statements; the counts read through the indexes they were written for.
 */
import type { NewJob, Storage } from '@waitline/core';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { MIGRATIONS, SQL, type SqlName } from '../src/generated/sql.js';

import { seededRandom as random } from '@waitline/storage-contract';
import { bothSides, leased, open, plainJob, type Side, standings, T0 } from './group-fixtures.js';

function job(id: string, overrides: Partial<NewJob>): NewJob {
  return plainJob(id, overrides);
}

/** What an enqueue answered: the ids and inserted flags, or the error's code, group and index. */
async function outcome(s: Storage, jobs: NewJob[], now: number): Promise<unknown> {
  try {
    const r = await s.enqueue({ queue: 'q', jobs, now });
    return { ids: r.jobs.map((j) => j.id), inserted: r.inserted };
  } catch (err) {
    const e = err as { code?: string; group?: string; index?: number };
    return { code: e.code, group: e.group, index: e.index };
  }
}

/** One random step on both sides; returns what each answered. */
async function step(rnd: () => number, sides: Side[], ids: string[], now: number): Promise<unknown[]> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const op = rnd();
  if (op < 0.4) {
    const jobs = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
      const id = `j${ids.length}`;
      ids.push(id);
      const key = rnd() < 0.15 ? `k${Math.floor(rnd() * 4)}` : null;
      return job(id, { group: pick([null, 'a', 'b', 'c']), priority: Math.floor(rnd() * 2), runAt: now + pick([-5, 0, 0, 8]), idempotencyKey: key });
    });
    return Promise.all(sides.map((side) => outcome(side.s, jobs, now)));
  }
  if (op < 0.65) {
    const limit = 1 + Math.floor(rnd() * 3);
    return Promise.all(sides.map(async (side) => leased(side, await side.s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now }))));
  }
  if (op < 0.92) {
    const running = [...(sides[0]?.tokens.keys() ?? [])].sort();
    const id = running.length === 0 ? undefined : pick(running);
    const claim = rnd() < 0.5 ? { workerId: 'w', limit: 1 + Math.floor(rnd() * 2), leaseMs: 60_000 } : undefined;
    return Promise.all(
      sides.map(async (side) => {
        const completed = id === undefined ? [] : [{ id, leaseToken: side.tokens.get(id) ?? '', result: null }];
        if (id !== undefined) side.tokens.delete(id);
        const r = await side.s.settle({ queue: 'q', now, completed, ...(claim ? { claim } : {}) });
        return leased(side, r.claimed);
      }),
    );
  }
  const caps = { groupConcurrency: pick([null, 1, 2]), groupMaxWaiting: pick([null, 2, 3, 5]) };
  return Promise.all(sides.map((side) => side.s.upsertQueue({ name: 'q', ...caps, now })));
}

describe('group limits on SQLite', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('answers as MemoryStorage on random grouped queues with caps (seed %i)', async (seed) => {
    const rnd = random(seed);
    const sides = await bothSides();
    for (const side of sides) await side.s.upsertQueue({ name: 'q', groupConcurrency: 1 + (seed % 2), groupMaxWaiting: 3, now: T0 });
    const ids: string[] = [];
    let now = T0;
    for (let i = 0; i < 40; i++) {
      const [mine, reference] = await step(rnd, sides, ids, now);
      expect(mine, `step ${i}`).toEqual(reference);
      now += Math.floor(rnd() * 4);
      const [a, b] = await Promise.all(sides.map((side) => standings(side.s, ids, now)));
      expect(a, `step ${i} positions`).toEqual(b);
    }
  });

  it('a grouped queue without caps runs no cap statement; with them, one count per group met', async () => {
    const s = await open();
    const ctx = (s as unknown as { ctx: { stmt: (name: SqlName) => unknown } }).ctx;
    const spy = vi.spyOn(ctx, 'stmt');
    const used = () => new Set(spy.mock.calls.map((c) => c[0]));
    await s.enqueue({ queue: 'q', now: T0, jobs: ['a', 'a', 'b', 'c'].map((g, i) => job(`x${i}`, { group: g })) });
    await s.claim({ queue: 'q', workerId: 'w', limit: 2, leaseMs: 60_000, now: T0 });
    expect(used().has('groupRunning') || used().has('groupQueuedBounded')).toBe(false);
    await s.upsertQueue({ name: 'q', groupConcurrency: 1, groupMaxWaiting: 5, now: T0 });
    spy.mockClear();
    await s.enqueue({ queue: 'q', now: T0, jobs: ['a', 'a', 'b'].map((g, i) => job(`y${i}`, { group: g })) });
    expect(spy.mock.calls.filter((c) => c[0] === 'groupQueuedBounded')).toHaveLength(2);
    spy.mockClear();
    expect(await s.claim({ queue: 'q', workerId: 'w', limit: 5, leaseMs: 60_000, now: T0 })).toHaveLength(1);
    expect(spy.mock.calls.filter((c) => c[0] === 'groupRunning')).toHaveLength(3);
  });

  it('counts running and queued jobs of a group index-only, on the indexes written for them', () => {
    const db = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    const plan = (name: SqlName) => {
      const params = Object.fromEntries([...SQL[name].replace(/--[^\n]*/g, '').matchAll(/:([A-Za-z]\w*)/g)].map((m) => [m[1], null]));
      return (db.prepare(`EXPLAIN QUERY PLAN ${SQL[name]}`).all(params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .filter((l) => l.startsWith('SEARCH'));
    };
    expect(plan('groupRunning')).toEqual(['SEARCH jobs USING COVERING INDEX jobs_group_running (queue=? AND grp=?)']);
    expect(plan('groupQueuedBounded')).toEqual([
      'SEARCH t USING PRIMARY KEY (queue=? AND grp=?)',
      'SEARCH j USING COVERING INDEX jobs_grouped (queue=? AND priority=? AND grp=?)',
    ]);
    db.close();
  });
});
