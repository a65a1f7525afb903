/**
 * groupRateLimit on SQLite beyond the shared contract: on random grouped queues (groups, levels,
 * delayed jobs, batches, settle-and-claim, the limit set, replaced and removed midway, alone or
 * with groupConcurrency and the queue's rateLimit) SQLite answers exactly as MemoryStorage, the
 * reference, `nextStartAt` and position inputs included; a queue without the limit runs none of
 * its statements; a group's log is trimmed as claims meet it.
 */
import type { NewJob, UpsertQueueParams } from '@waitline/core';
import { seededRandom as random } from '@waitline/storage-contract';
import { describe, expect, it, vi } from 'vitest';
import type { SqlName } from '../src/generated/sql.js';
import { bothSides, leased, open, plainJob, type Side, standings, T0 } from './group-fixtures.js';

/** A random change of the queue's limits: mostly the group rate limit (set, replaced, removed). */
function limitsChange(rnd: () => number, now: number): UpsertQueueParams {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const groupRateLimit = pick([null, { max: 1, intervalMs: 10 }, { max: 2, intervalMs: 6 }, { max: 3, intervalMs: 20 }]);
  if (rnd() < 0.7) return { name: 'q', groupRateLimit, now };
  return { name: 'q', groupConcurrency: pick([null, 1, 2]), rateLimit: pick([null, { max: 4, intervalMs: 10 }]), now };
}

/** One random step on both sides; returns what each answered. */
async function step(rnd: () => number, sides: Side[], ids: string[], now: number): Promise<unknown[]> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const op = rnd();
  if (op < 0.35) {
    const jobs: NewJob[] = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
      const id = `j${ids.length}`;
      ids.push(id);
      return plainJob(id, { group: pick([null, 'a', 'b', 'c']), priority: Math.floor(rnd() * 2), runAt: now + pick([-5, 0, 0, 8]) });
    });
    return Promise.all(sides.map(async (side) => (await side.s.enqueue({ queue: 'q', jobs, now })).jobs.map((j) => j.id)));
  }
  if (op < 0.9) {
    const running = [...(sides[0]?.tokens.keys() ?? [])].sort();
    const id = running.length === 0 || rnd() < 0.3 ? undefined : pick(running);
    const claim = { workerId: 'w', limit: 1 + Math.floor(rnd() * 4), leaseMs: 60_000 };
    return Promise.all(
      sides.map(async (side) => {
        const completed = id === undefined ? [] : [{ id, leaseToken: side.tokens.get(id) ?? '', result: null }];
        if (id !== undefined) side.tokens.delete(id);
        const r = await side.s.settle({ queue: 'q', now, completed, claim });
        return [leased(side, r.claimed), r.nextStartAt];
      }),
    );
  }
  const change = limitsChange(rnd, now);
  return Promise.all(sides.map((side) => side.s.upsertQueue(change)));
}

describe('group rate limits on SQLite', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('answers as MemoryStorage on random grouped queues with a groupRateLimit (seed %i)', async (seed) => {
    const rnd = random(seed);
    const sides = await bothSides();
    const start = { name: 'q', groupRateLimit: { max: 1 + (seed % 3), intervalMs: 5 + seed }, now: T0 };
    for (const side of sides) await side.s.upsertQueue(seed % 4 === 0 ? { ...start, groupConcurrency: 1 } : start);
    const ids: string[] = [];
    let now = T0;
    for (let i = 0; i < 50; i++) {
      const [mine, reference] = await step(rnd, sides, ids, now);
      expect(mine, `step ${i}`).toEqual(reference);
      now += Math.floor(rnd() * 4);
      const [a, b] = await Promise.all(sides.map((side) => standings(side.s, ids, now)));
      expect(a, `step ${i} positions`).toEqual(b);
    }
  });

  it('a grouped queue without the limit runs no group-rate statement; with it, one log read per group met and one insert per group started', async () => {
    const s = await open();
    const ctx = (s as unknown as { ctx: { stmt: (name: SqlName) => unknown } }).ctx;
    const spy = vi.spyOn(ctx, 'stmt');
    const calls = (name: SqlName) => spy.mock.calls.filter((c) => c[0] === name).length;
    const rateStatements = ['groupRateStarts', 'groupRateStartsTrim', 'groupRateStartsAdd', 'groupRateStartsClear'] as const;
    await s.enqueue({ queue: 'q', now: T0, jobs: ['a', 'a', 'b', 'b', 'c', 'c'].map((g, i) => plainJob(`x${i}`, { group: g })) });
    await s.settle({ queue: 'q', now: T0, claim: { workerId: 'w', limit: 2, leaseMs: 60_000 } });
    expect(rateStatements.map(calls)).toEqual([0, 0, 0, 0]);
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 1, intervalMs: 1_000 }, now: T0 });
    spy.mockClear();
    // Turn order c, a, b (a and b were served): c0 and a1 start, b has a token too but the claim is full.
    expect((await s.claim({ queue: 'q', workerId: 'w', limit: 2, leaseMs: 60_000, now: T0 })).map((j) => j.id)).toEqual(['x4', 'x1']);
    expect([calls('groupRateStartsTrim'), calls('groupRateStarts'), calls('groupRateStartsAdd')]).toEqual([2, 2, 2]);
    spy.mockClear();
    // a has no job left; b starts (and leaves), c is held: each log read once, c's next token reported.
    const r = await s.settle({ queue: 'q', now: T0 + 1, claim: { workerId: 'w', limit: 3, leaseMs: 60_000 } });
    expect([r.claimed.map((j) => j.id), r.nextStartAt]).toEqual([['x3'], T0 + 1_000]);
    expect([calls('groupRateStartsTrim'), calls('groupRateStarts'), calls('groupRateStartsAdd')]).toEqual([2, 2, 1]);
    spy.mockClear();
    await s.upsertQueue({ name: 'q', groupRateLimit: null, now: T0 + 2 });
    expect(calls('groupRateStartsClear')).toBe(1);
  });

  it('trims a group log as claims meet the group, and removing the limit deletes every group log', async () => {
    const s = await open();
    const db = (s as unknown as { ctx: { db: { prepare: (sql: string) => { all: () => unknown[] } } } }).ctx.db;
    const log = () => db.prepare('SELECT grp, at FROM group_rate_starts ORDER BY grp, at').all();
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 2, intervalMs: 100 }, now: T0 });
    await s.enqueue({ queue: 'q', now: T0, jobs: ['a', 'a', 'a', 'b', 'b'].map((g, i) => plainJob(`x${i}`, { group: g })) });
    await s.claim({ queue: 'q', workerId: 'w', limit: 10, leaseMs: 60_000, now: T0 });
    expect(log()).toEqual([
      { grp: 'a', at: T0 },
      { grp: 'a', at: T0 },
      { grp: 'b', at: T0 },
      { grp: 'b', at: T0 },
    ]);
    // Only a still has a job: its log is trimmed and its new start logged; b's stays until met.
    await s.claim({ queue: 'q', workerId: 'w', limit: 10, leaseMs: 60_000, now: T0 + 100 });
    expect(log()).toEqual([
      { grp: 'a', at: T0 + 100 },
      { grp: 'b', at: T0 },
      { grp: 'b', at: T0 },
    ]);
    await s.upsertQueue({ name: 'q', groupRateLimit: { max: 1, intervalMs: 100 }, now: T0 + 101 });
    expect(log()).toHaveLength(3);
    await s.upsertQueue({ name: 'q', groupRateLimit: null, now: T0 + 102 });
    expect(log()).toEqual([]);
  });
});
